import type { HookHandler, SidebarPanel } from '../module/contract/hooks';
import { chosenPanelLanguage, type PanelLanguage } from './panel-language';
import { parseHook, type HookBase } from './parse';

/** One panel of the client-area sidebar, in the client's language, or null when it does not apply to this client. */
export type SidebarPanelSource = (clientId: number, requestUri: string | undefined, language: string) => Promise<SidebarPanel | null>;

/** Beside every client-area page: the client's service manager, and the agent's own panel, in the page's language. */
export const clientAreaPrimarySidebar =
  ({ logger, state }: HookBase, panels: SidebarPanelSource[], languageOf: PanelLanguage): HookHandler =>
  async (raw, ctx) => {
    const vars = parseHook('ClientAreaPrimarySidebar', raw, logger);
    if (!state.active || vars.client_id === null) return;
    const language = await languageOf(vars.client_id, chosenPanelLanguage(vars.request_uri, ctx));
    for (const source of panels) {
      const panel = await source(vars.client_id, vars.request_uri, language);
      if (panel) vars.sidebar.addPanel(panel);
    }
  };
