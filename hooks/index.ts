import type { AgentTools } from '../module/agenttools';
import type { AddHook } from '../module/contract/hooks';

/**
 * hooks.php: the host's add_hook for each event the module listens to. The handlers, one file
 * each in this folder, are built with the services they use by the module's entry.
 */
export function registerHooks(addHook: AddHook, agentTools: Pick<AgentTools, 'hooks'>): void {
  for (const [name, priority, handler] of agentTools.hooks) addHook(name, priority, handler);
}
