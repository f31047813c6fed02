import type { HookContext } from '../module/contract/hooks';
import { LANGUAGE_COOKIE, knownLanguage } from '../module/http/request-language';

/** The language a client reads the panels of a page in: decided as for the page (module/agents/reader-language.ts). */
export type PanelLanguage = (clientId: number, chosen: string | null) => Promise<string>;

/**
 * What the visitor chose in this browser session, as a panel's hook can see it: `?language=` on
 * the page being shown (its request URI), else the cookie our pages set when they were asked
 * (module/http/request-language.ts), when the host passes the request's cookies. The sidebar
 * then speaks the page's language, though the host, not our router, calls its hook.
 */
export function chosenPanelLanguage(requestUri: string | undefined, ctx?: HookContext): string | null {
  return askedIn(requestUri) ?? knownLanguage(ctx?.request?.cookies[LANGUAGE_COOKIE]);
}

function askedIn(requestUri: string | undefined): string | null {
  if (!requestUri) return null;
  try {
    return knownLanguage(new URL(requestUri, 'http://host.invalid').searchParams.get('language'));
  } catch {
    // The URI is only a hint from the host: one that is no address asks for nothing.
    return null;
  }
}
