import type { Request, Response } from 'express';
import type { Core } from '../agenttools';
import type { HostUser } from '../contract/host-api';
import { RuleError } from '../core/errors';
import { agentSummary } from '../reports/agent-summary';
import { sourceStats } from '../reports/source-stats';
import { agentLinks } from '../links/agent-links';
import { managedClients } from '../reports/managed-clients';
import type { Action } from './router';
import { serviceManagerActions } from './service-manager-controller';
import { signInActions } from './sign-in-controller';
import { quoteActions } from '../quotes/quote-controller';
import { domainActions } from '../attribution/domain-controller';
import { creativeClientActions } from '../creatives/creatives-controller';
import { formValues, type FieldErrors } from './forms';
import { render, viewHelpers } from './render';
import { CLIENT_AREA, REFERRAL_LINK, clientAction } from './paths';

interface DashboardState {
  errors?: FieldErrors;
  values?: Record<string, string>;
  notice?: string;
  status?: number;
}

async function showDashboard(core: Core, user: HostUser, req: Request, res: Response, state: DashboardState = {}): Promise<void> {
  const h = viewHelpers(core.language, core.host.http.csrfToken(req));
  const agent = await core.agents.byClient(user.client_id);
  const page = (html: string) =>
    core.host.http.sendPage(req, res, { area: 'client', title: h.t('affiliate.title'), breadcrumb: [{ label: h.t('affiliate.title'), href: CLIENT_AREA }], html, status: state.status });
  if (!agent) return page(await render('client/not-agent', { h }));
  const program = await core.programs.get(agent.programId);
  if (!program) throw new Error(`program ${agent.programId} missing`);
  const [summary, commissions, referrals, withdrawals, sources, managed] = await Promise.all([
    agentSummary(core.db, core.ledger, agent.id, program),
    core.commissions.listForAgent(agent.id),
    core.attribution.listForAgent(agent.id),
    core.withdrawals.listForAgent(agent.id),
    sourceStats(core.db, agent.id),
    managedClients(core.db, core.host, core.serviceManagers, agent.id),
  ]);
  const names = new Map<number, string>();
  for (const r of referrals) {
    const c = await core.host.getClient(r.clientId);
    names.set(r.clientId, c ? `${c.firstname} ${c.lastname.slice(0, 1)}.` : `#${r.clientId}`);
  }
  page(
    await render('client/dashboard', {
      h,
      agent,
      program,
      summary,
      commissions,
      referrals,
      withdrawals,
      sources,
      managed,
      signInAction: clientAction('signInAsClient'),
      // The WHMCS-compatible service-manager link a client opens to grant access.
      smLink: `${core.host.siteUrl()}${CLIENT_AREA}&t=serviceManager&affid=${agent.id}`,
      names,
      referralLink: `${core.host.siteUrl()}${REFERRAL_LINK}?aff=${agent.id}`,
      withdrawAction: clientAction('withdraw'),
      links: await agentLinks(core.host, agent, program),
      slugAction: clientAction('requestSlug'),
      slugDone: req.query.slug === 'approved' || req.query.slug === 'pending' ? req.query.slug : null,
      errors: state.errors ?? {},
      values: state.values ?? {},
      notice: state.notice ?? null,
    }),
  );
}

/**
 * Every agent page gives the agent's browser its device cookie, not only the dashboard: an agent
 * who goes straight to Assets or Quotes uses that browser as much. remember() itself passes over a
 * client who is no agent and a "sign in as client" session, whose pages are the client's. Pages
 * only (GET): a form's answer comes after a page that set it.
 */
function rememberingDevices(actions: Record<string, Action<HostUser>>): Record<string, Action<HostUser>> {
  const out: Record<string, Action<HostUser>> = {};
  for (const [name, action] of Object.entries(actions)) {
    out[name] =
      action.method !== 'GET'
        ? action
        : {
            ...action,
            async run(core, user, req, res) {
              await core.devices.remember(req, res, user.client_id);
              await action.run(core, user, req, res);
            },
          };
  }
  return out;
}

const agentActions: Record<string, Action<HostUser>> = rememberingDevices({
  ...quoteActions,
  ...domainActions,
  ...creativeClientActions,
  index: {
    method: 'GET',
    asClient: 'affiliates',
    async run(core, user, req, res) {
      let notice: string | undefined = req.query.signin === 'ended' ? viewHelpers(core.language, '').t('agent.sign_in_ended') : undefined;
      const wid = Number(req.query.withdrawal);
      if (Number.isSafeInteger(wid) && wid > 0) {
        const w = await core.withdrawals.get(wid);
        const agent = await core.agents.byClient(user.client_id);
        if (w && agent && w.agentId === agent.id) {
          notice = viewHelpers(core.language, '').t('affiliate.withdrawal_requested', { amount: viewHelpers(core.language, '').money(w.amount, w.currency) });
        }
      }
      await showDashboard(core, user, req, res, { notice });
    },
  },

  withdraw: {
    method: 'POST',
    asClient: 'affiliates',
    async run(core, user, req, res) {
      const values = formValues(req.body);
      const agent = await core.agents.byClient(user.client_id);
      if (!agent) throw new RuleError('Your account is not an agent account.');
      const program = await core.programs.get(agent.programId);
      if (!program) throw new Error(`program ${agent.programId} missing`);
      try {
        const w = await core.withdrawals.request(agent, program, values.amount ?? '');
        res.redirect(303, `${CLIENT_AREA}&withdrawal=${w.id}`);
      } catch (e) {
        if (!(e instanceof RuleError) || !e.field) throw e;
        await showDashboard(core, user, req, res, { errors: { [e.field]: e.message }, values, status: 422 });
      }
    },
  },

  // Always the signed-in agent's own slug: the form names no agent, so none other can be asked for.
  requestSlug: {
    method: 'POST',
    async run(core, user, req, res) {
      const values = formValues(req.body);
      const agent = await core.agents.byClient(user.client_id);
      if (!agent) throw new RuleError('Your account is not an agent account.');
      try {
        const { status } = await core.slugs.request(agent.id, values.slug ?? '');
        res.redirect(303, `${CLIENT_AREA}&slug=${status}`);
      } catch (e) {
        if (!(e instanceof RuleError) || !e.field) throw e;
        await showDashboard(core, user, req, res, { errors: { [e.field]: e.message }, values, status: 422 });
      }
    },
  },
});

export const clientActions: Record<string, Action<HostUser>> = {
  // A client's side of a service manager, and the sign-in's own forms: not agent pages.
  ...serviceManagerActions,
  ...signInActions,
  ...agentActions,
};
