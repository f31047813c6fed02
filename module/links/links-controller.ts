import type { Request, Response } from 'express';
import type { HostApi, HostUser } from '../contract/host-api';
import { agentForForm, agentForPage, type AgentPageDeps } from '../agents';
import type { Agent } from '../agents/agent-service';
import type { Actions } from '../http/action';
import { submitClientForm, type RefusedForm } from '../http/form-action';
import { REFERRAL_LINK, clientAction } from '../http/paths';
import type { Program } from '../programs/program-service';
import type { Minor } from '../money/amount';
import { agentLinks } from './agent-links';
import { buildLink, type BuilderInput } from './link-builder';
import type { SlugService } from './slug-service';

const PAGE = clientAction('links');

/** One row of the per-source figures: clicks and sign-ups from the source stats, earnings from the commissions. */
export interface SourceRow {
  source: string;
  clicks: number;
  signups: number;
  earned: { currency: string; amount: Minor }[];
}

export interface LinksControllerDeps extends AgentPageDeps {
  host: Pick<HostApi, 'siteUrl' | 'getProduct' | 'listProducts'>;
  slugs: Pick<SlugService, 'request'>;
  /** The deep-link allow-list as the redirect uses it. */
  allowedHosts: () => ReadonlySet<string>;
  sources: (agentId: number) => Promise<{ source: string; clicks: number; signups: number }[]>;
  earnings: (agentId: number) => Promise<{ source: string | null; currency: string; amount: Minor }[]>;
  /** The module's own copy-button script (no inline script: the pages are CSP-friendly). */
  copyScript: string;
}

function queryText(req: Request, name: string): string {
  const v = req.query[name];
  return typeof v === 'string' ? v.trim().slice(0, 2000) : '';
}

/**
 * The agent's Links: the referral link, the short (code) link, the vanity link with its request
 * form (`requestSlug`, moved here from the Overview), a link builder, and clicks, sign-ups and
 * earnings per source. A click carries no record of which of the agent's links it came through,
 * only its source: tagging each shared link with a source is what makes per-link figures.
 */
export function linksActions(deps: LinksControllerDeps): Actions<HostUser> {
  const { pages, host } = deps;

  async function show(agent: Agent, program: Program, req: Request, res: Response, refused?: RefusedForm): Promise<void> {
    const h = pages.helpers(req);
    const site = host.siteUrl();
    const [links, stats, earnings, products] = await Promise.all([agentLinks(host, agent, program, h), deps.sources(agent.id), deps.earnings(agent.id), host.listProducts()]);
    const input: BuilderInput = { landing: queryText(req, 'landing'), src: queryText(req, 'src'), product: queryText(req, 'product') };
    const hosts = deps.allowedHosts();
    const built = buildLink(site, agent.id, input, hosts, new Set(products.map((p) => p.id)));
    const earnedOf = (source: string | null) => earnings.filter((e) => e.source === source).map(({ currency, amount }) => ({ currency, amount }));
    const rows: SourceRow[] = stats.map((s) => ({ ...s, earned: earnedOf(s.source) }));
    // A source that earned but whose clicks are not among the busiest listed still shows its earnings.
    for (const e of earnings) if (e.source !== null && !rows.some((r) => r.source === e.source)) rows.push({ source: e.source, clicks: 0, signups: 0, earned: earnedOf(e.source) });
    const slugDone = req.query.slug === 'approved' || req.query.slug === 'pending' ? req.query.slug : null;
    const html = await pages.render('client/links-page', {
      h,
      program,
      referralLink: `${site}${REFERRAL_LINK}?aff=${agent.id}`,
      links,
      slugAction: `${clientAction('requestSlug')}#form-errors`,
      slugDone,
      rows,
      unsourced: earnedOf(null),
      builder: { input, link: built.link, errors: Object.fromEntries(Object.entries(built.errors).map(([k, key]) => [k, h.t(key)])) },
      hosts: [...hosts],
      products: products.map((p) => ({ id: p.id, name: p.name })),
      copyScript: deps.copyScript,
      errors: refused?.errors ?? {},
      values: refused?.values ?? {},
    });
    const status = refused?.status ?? (Object.keys(built.errors).length ? 422 : undefined);
    pages.clientPage(req, res, { titleKey: 'links.title', href: PAGE, html, status });
  }

  return {
    links: {
      method: 'GET',
      asClient: 'affiliates',
      async run(user, req, res) {
        const me = await agentForPage(deps, user, req, res, 'links.title');
        if (me) await show(me.agent, me.program, req, res);
      },
    },

    // Always the signed-in agent's own slug: the form names no agent, so none other can be asked for.
    requestSlug: {
      method: 'POST',
      async run(user, req, res) {
        const { agent, program } = await agentForForm(deps, user);
        await submitClientForm(
          req,
          res,
          'requestSlug',
          async (values) => `${PAGE}&slug=${(await deps.slugs.request(agent.id, values.slug ?? '')).status}`,
          (rq, rs, refused) => show(agent, program, rq, rs, refused),
        );
      },
    },
  };
}
