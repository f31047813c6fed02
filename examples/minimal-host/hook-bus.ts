import type { AddHook, HookContext, HookHandler, HookName } from '../../module/contract/hooks';

/** add_hook and run_hook: handlers by name, in priority order; one failing handler stops no other. */
export class HookBus {
  private readonly handlers: { name: HookName; priority: number; handler: HookHandler }[] = [];

  add: AddHook = (name, priority, handler) => {
    this.handlers.push({ name, priority, handler });
    this.handlers.sort((a, b) => a.priority - b.priority);
  };

  async run(name: HookName, vars: unknown, ctx?: HookContext): Promise<void> {
    for (const h of this.handlers.filter((h) => h.name === name)) {
      try {
        await h.handler(vars, ctx);
      } catch (e) {
        console.error(`hook ${name} failed:`, e instanceof Error ? e.message : e);
      }
    }
  }
}
