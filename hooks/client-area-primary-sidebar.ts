import type { HookHandler, SidebarPanel } from '../module/contract/hooks';
import { parseHook, type HookBase } from './parse';

/** One panel of the client-area sidebar, or null when it does not apply to this client. */
export type SidebarPanelSource = (clientId: number, requestUri?: string) => Promise<SidebarPanel | null>;

/** Beside every client-area page: the client's service manager, and the agent's own panel. */
export const clientAreaPrimarySidebar =
  ({ logger, state }: HookBase, panels: SidebarPanelSource[]): HookHandler =>
  async (raw) => {
    const vars = parseHook('ClientAreaPrimarySidebar', raw, logger);
    if (!state.active || vars.client_id === null) return;
    for (const source of panels) {
      const panel = await source(vars.client_id, vars.request_uri);
      if (panel) vars.sidebar.addPanel(panel);
    }
  };
