import type { HookHandler } from '../module/contract/hooks';
import type { SidebarPanelSource } from './client-area-primary-sidebar';
import { parseHook, type HookBase } from './parse';

/** The client area's home page: the agent's commission widget. */
export const clientAreaHomepagePanels =
  ({ logger, state }: HookBase, panels: SidebarPanelSource[]): HookHandler =>
  async (raw) => {
    const vars = parseHook('ClientAreaHomepagePanels', raw, logger);
    if (!state.active) return;
    for (const source of panels) {
      const panel = await source(vars.client_id);
      if (panel) vars.panels.addPanel(panel);
    }
  };
