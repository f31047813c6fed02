import type { HookContext, HookFieldErrors, HookHandler, HookName } from '../module/contract/hooks';
import type { Logger } from '../module/core/logger';

/** add_hook / run_hook: handlers by name and priority; one failing handler never stops a payment. */
export class HookBus {
  private readonly handlers = new Map<HookName, { priority: number; handler: HookHandler }[]>();

  constructor(private readonly logger: Logger) {}

  add = (name: HookName, priority: number, handler: HookHandler): void => {
    const list = this.handlers.get(name) ?? [];
    list.push({ priority, handler });
    list.sort((a, b) => a.priority - b.priority);
    this.handlers.set(name, list);
  };

  async run(name: HookName, vars: unknown, ctx?: HookContext): Promise<Error[]> {
    const errors: Error[] = [];
    for (const { handler } of this.handlers.get(name) ?? []) {
      try {
        await handler(vars, ctx);
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        errors.push(error);
        this.logger.error(`hook ${name} failed`, { error: error.message });
      }
    }
    return errors;
  }

  /**
   * A validation hook (ClientDetailsValidation): the handlers' messages by field, the first one
   * for a field winning. A handler that fails is logged and does not block the form.
   */
  async validate(name: HookName, vars: unknown, ctx?: HookContext): Promise<HookFieldErrors> {
    const out: HookFieldErrors = {};
    for (const { handler } of this.handlers.get(name) ?? []) {
      try {
        for (const [field, message] of Object.entries((await handler(vars, ctx)) ?? {})) out[field] ??= message;
      } catch (e) {
        this.logger.error(`hook ${name} failed`, { error: e instanceof Error ? e.message : String(e) });
      }
    }
    return out;
  }
}
