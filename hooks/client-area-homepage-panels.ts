import type { HookHandler } from '../module/contract/hooks';
import type { SidebarPanelSource } from './client-area-primary-sidebar';
import { chosenPanelLanguage, type PanelLanguage } from './panel-language';
import { parseHook, type HookBase } from './parse';

/** The client area's home page: the agent's commission widget, in the client's language. */
export const clientAreaHomepagePanels =
  ({ logger, state }: HookBase, panels: SidebarPanelSource[], languageOf: PanelLanguage): HookHandler =>
  async (raw, ctx) => {
    const vars = parseHook('ClientAreaHomepagePanels', raw, logger);
    if (!state.active) return;
    // A ?language= on the home page itself, else the session's remembered choice, if the host passes its cookies.
    const language = await languageOf(vars.client_id, chosenPanelLanguage(vars.request_uri, ctx));
    for (const source of panels) {
      const panel = await source(vars.client_id, undefined, language);
      if (panel) vars.panels.addPanel(panel);
    }
  };
