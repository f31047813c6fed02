import { CLIENT_AREA, clientAction } from '../http/paths';
import type { Program } from '../programs/program-service';

/** One page of the agent's area, as the sidebar lists it. */
export interface AgentNavItem {
  action: string;
  /** Its label's lang key. */
  labelKey: string;
  /** Pages below it (one commission under Commissions) that mark it as the current one. */
  sub?: readonly string[];
  /** Listed only for agents of programs that have the feature. */
  when?: (program: Program) => boolean;
}

/** Every page of the agent's area, in the order the "Agent Tools" sidebar panel lists them. */
export const AGENT_NAV: readonly AgentNavItem[] = [
  { action: 'index', labelKey: 'agentnav.index' },
  { action: 'links', labelKey: 'agentnav.links' },
  { action: 'commissions', labelKey: 'agentnav.commissions', sub: ['commission'] },
  { action: 'referrals', labelKey: 'agentnav.referrals', sub: ['referral'] },
  { action: 'reports', labelKey: 'agentnav.reports', sub: ['report'] },
  { action: 'payouts', labelKey: 'agentnav.payouts' },
  { action: 'taxProfile', labelKey: 'tax.title', sub: ['saveTaxProfile'] },
  { action: 'terms', labelKey: 'agentnav.terms' },
  { action: 'managed', labelKey: 'agentnav.managed' },
  { action: 'quotes', labelKey: 'agentnav.quotes' },
  { action: 'assets', labelKey: 'agentnav.assets' },
  { action: 'domains', labelKey: 'domains.link', when: (p) => Boolean(p.def.deal_registration) },
  { action: 'agentContact', labelKey: 'sm.publish.link', when: (p) => Boolean(p.def.service_managers) || p.slug === 'default' },
];

/**
 * The agent-area action a request URI names (action= or WHMCS's t=), 'index' for the area's home,
 * or null when the URI is not the module's client area at all.
 */
export function currentAgentAction(requestUri: string | undefined): string | null {
  if (!requestUri) return null;
  let url: URL;
  try {
    url = new URL(requestUri, 'http://host.invalid');
  } catch {
    // Only a hint from the host: one that is no address marks nothing current.
    return null;
  }
  if (url.pathname !== '/index.php' || url.searchParams.get('m') !== 'agenttools') return null;
  return url.searchParams.get('action') ?? url.searchParams.get('t') ?? 'index';
}

/** The sidebar's items, the one for the current page (or the page above it) marked current. */
export function agentNavItems(t: (key: string) => string, requestUri: string | undefined, program: Program): { label: string; uri: string; current: boolean }[] {
  const action = currentAgentAction(requestUri);
  return AGENT_NAV.filter((item) => !item.when || item.when(program)).map((item) => ({
    label: t(item.labelKey),
    uri: item.action === 'index' ? CLIENT_AREA : clientAction(item.action),
    current: action !== null && (action === item.action || (item.sub ?? []).includes(action)),
  }));
}
