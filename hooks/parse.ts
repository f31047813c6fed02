import { hookVariables, type HookName, type HookVariables } from '../module/contract/hooks';
import { HookInputError } from '../module/core/errors';
import type { Logger } from '../module/core/logger';

/** Validates a hook's variables; a bad payload is logged and rejected before the core sees it. */
export function parseHook<N extends HookName>(name: N, raw: unknown, logger: Logger): HookVariables<N> {
  const result = hookVariables[name].safeParse(raw);
  if (result.success) return result.data as HookVariables<N>;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(variables)'}: ${i.message}`);
  const err = new HookInputError(name, issues);
  logger.error(err.message, { hook: name, issues });
  throw err;
}
