import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { agentSidebarPanel } from '../module/http/sidebar';
import { parseHook } from './parse';

/** The agent's panel beside every client-area page. */
export const clientAreaPrimarySidebar =
  (core: Core): HookHandler =>
  async (raw) => {
    const vars = parseHook('ClientAreaPrimarySidebar', raw, core.logger);
    if (!core.active || vars.client_id === null) return;
    const panel = await agentSidebarPanel(core, vars.client_id);
    if (panel) vars.sidebar.addPanel(panel);
  };
