import type { z } from 'zod';
import { UNFIT, hookVariables, type FormField, type HookName, type HookVariables } from '../module/contract/hooks';
import { HookInputError } from '../module/core/errors';
import type { Logger } from '../module/core/logger';

/** What every hook handler gets besides its services: the log, and whether the module is on. */
export interface HookBase {
  logger: Logger;
  state: { readonly active: boolean };
}

// The same schemas, typed per name, so that a schema looked up by a generic name parses to that name's variables.
const schemas: { [N in HookName]: z.ZodType<HookVariables<N>> } = hookVariables;

/** Validates a hook's variables; a bad payload is logged and rejected before the core sees it. */
export function parseHook<N extends HookName>(name: N, raw: unknown, logger: Logger): HookVariables<N> {
  const result = schemas[name].safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(variables)'}: ${i.message}`);
  const err = new HookInputError(name, issues);
  logger.error(err.message, { hook: name, issues });
  throw err;
}

/**
 * A form field a later hook uses: its text, or, when it cannot be a value at all (UNFIT), nothing,
 * logged. The event has happened already; the rest of the hook's work must still be done.
 */
export function fitOrIgnored(hook: HookName, field: string, value: FormField, logger: Logger, context: Record<string, unknown>): string | undefined {
  if (value !== UNFIT) return value;
  logger.warn(`${hook}: an unfit form field ignored`, { field, ...context });
  return undefined;
}
