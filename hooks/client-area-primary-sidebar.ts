import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { agentSidebarPanel, serviceManagerSidebarPanel } from '../module/http/sidebar';
import { parseHook } from './parse';

/** Beside every client-area page: the client's service manager, and the agent's own panel. */
export const clientAreaPrimarySidebar =
  (core: Core): HookHandler =>
  async (raw) => {
    const vars = parseHook('ClientAreaPrimarySidebar', raw, core.logger);
    if (!core.active || vars.client_id === null) return;
    for (const panel of [await serviceManagerSidebarPanel(core, vars.client_id), await agentSidebarPanel(core, vars.client_id)]) {
      if (panel) vars.sidebar.addPanel(panel);
    }
  };
