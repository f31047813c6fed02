import type { Request } from 'express';
import { escapeHtml } from '../http/render';
import { ADMIN_AREA, adminAction } from '../http/paths';

type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** One tab of the admin area's menu, and the pages (actions) that belong under it. */
interface NavItem {
  action: string;
  key: string;
  under: readonly string[];
}

/**
 * The admin area's pages, as WHMCS addon modules show them: a horizontal menu of the module's
 * pages above the content. `payouts` is another capability's page; its tab appears once it exists,
 * and the withdrawal list stands in for it until then.
 */
const ITEMS: readonly NavItem[] = [
  { action: 'index', key: 'adminarea.nav.inbox', under: ['emailLog', 'shortLinks'] },
  { action: 'agents', key: 'adminarea.nav.agents', under: ['agent', 'client', 'unassignedClients'] },
  { action: 'programs', key: 'adminarea.nav.programs', under: ['whatIf'] },
  { action: 'programReport', key: 'adminarea.nav.report', under: [] },
  { action: 'payouts', key: 'adminarea.nav.payouts', under: ['withdrawals'] },
  { action: 'applications', key: 'adminarea.nav.applications', under: [] },
  { action: 'reviews', key: 'adminarea.nav.reviews', under: [] },
  { action: 'creatives', key: 'adminarea.nav.creatives', under: [] },
  { action: 'settings', key: 'adminarea.nav.settings', under: ['domains', 'eventSources', 'webhooks', 'webhookDeliveries', 'apiKeys', 'signInAudit'] },
];

/** Where the withdrawal requests are handled: the payouts page when there is one. */
export function withdrawalsAction(has: (action: string) => boolean): string {
  return has('payouts') ? 'payouts' : 'withdrawals';
}

/** The menu's HTML for the page `req` asks for (the current tab marked for screen readers too). */
export function adminNavHtml(req: Request, t: Translate, has: (action: string) => boolean): string {
  const current = typeof req.query.action === 'string' ? req.query.action : typeof req.query.t === 'string' ? req.query.t : 'index';
  const links = ITEMS.map((item) => {
    const action = item.action === 'payouts' ? withdrawalsAction(has) : item.action;
    if (!has(action)) return '';
    const here = current === action || current === item.action || item.under.includes(current);
    const href = action === 'index' ? ADMIN_AREA : adminAction(action);
    return `<li><a href="${escapeHtml(href)}" data-testid="admin-nav-${escapeHtml(item.action)}"${here ? ' aria-current="page" class="current"' : ''}>${escapeHtml(t(item.key))}</a></li>`;
  }).join('');
  return `<nav class="at-admin-nav" aria-label="${escapeHtml(t('adminarea.nav.label'))}" data-testid="admin-nav"><ul>${links}</ul></nav>`;
}

/** The breadcrumb of an admin page: Addons › Agent Tools › (crumbs…) › the page. */
export function adminCrumbs(t: Translate, ...crumbs: { label: string; href?: string }[]): { label: string; href?: string }[] {
  return [{ label: t('adminarea.crumb.addons') }, { label: t('adminarea.crumb.module'), href: ADMIN_AREA }, ...crumbs];
}
