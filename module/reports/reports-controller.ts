import type { Request, Response } from 'express';
import type { HostUser } from '../contract/host-api';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import type { Agent, AgentService } from '../agents/agent-service';
import type { Actions } from '../http/action';
import { sendCsv, type CsvCell } from '../http/csv';
import { submitClientForm, type RefusedForm } from '../http/form-action';
import { formValues, idField } from '../http/forms';
import type { Pages } from '../http/pages';
import { clientAction } from '../http/paths';
import type { ViewHelpers } from '../http/render';
import type { Program, ProgramService } from '../programs/program-service';
import { PeriodRefused, periodOrDefault, resolvePeriod, type Period } from './period';
import { GROUPS, type Group, type ReportQuery, type ReportRow, type RollupReports } from './rollups/rollup-reports';
import { savedParams, type SavedParams, type SavedReport, type SavedReports } from './saved-reports';

export interface ReportsDeps {
  pages: Pages;
  clock: Clock;
  agents: Pick<AgentService, 'byClient'>;
  programs: Pick<ProgramService, 'get'>;
  rollups: Pick<RollupReports, 'report' | 'dimensions'>;
  saved: Pick<SavedReports, 'list' | 'mine' | 'save' | 'remove'>;
}

const PAGE = clientAction('reports');
/** The filter value for "none": an assigned client's source, an unknown country. Never a real value of either. */
export const NONE = '~';

/** The report form's choices, as the address or a saved report carries them; anything else is the default. */
function choices(q: Record<string, unknown>): SavedParams {
  const str = (v: unknown, max: number) => (typeof v === 'string' && v !== '' && v.length <= max ? v : undefined);
  const parsed = savedParams.safeParse({
    period: str(q.period, 8) ?? '30d',
    from: str(q.from, 10),
    to: str(q.to, 10),
    group: str(q.group, 8) ?? 'day',
    program: str(q.program, 12),
    source: str(q.source, 32),
    country: str(q.country, 2),
  });
  return parsed.success ? parsed.data : { period: '30d', group: 'day' };
}

function toQuery(c: SavedParams, period: Period): ReportQuery {
  const group: Group = GROUPS.find((g) => g === c.group) ?? 'day';
  const programId = c.program !== undefined && /^\d{1,9}$/.test(c.program) ? Number(c.program) : undefined;
  const source = c.source === undefined ? undefined : c.source === NONE ? '' : c.source;
  const country = c.country === undefined ? undefined : c.country === NONE ? '' : c.country.toUpperCase();
  return { from: period.from, to: period.to, group, programId, source, country };
}

/** One line of the report as a person reads it: the group's label and its figures in one currency. */
interface Line {
  label: string;
  currency: string;
  clicks: number;
  signups: number;
  qualified: number;
  paying: number;
  earned: number;
  reversed: number;
}

/**
 * The agent's Reports: figures from the daily roll-ups by period, program, source and the end
 * user's country, grouped and filtered; saved under a name and opened again; each downloadable as
 * CSV. Always the signed-in agent's own figures and saved reports.
 */
export function reportsActions(deps: ReportsDeps): Actions<HostUser> {
  const { pages, agents, programs } = deps;

  async function context(user: HostUser): Promise<{ agent: Agent; program: Program } | null> {
    const agent = await agents.byClient(user.client_id);
    if (!agent) return null;
    const program = await programs.get(agent.programId);
    if (!program) throw new Error(`program ${agent.programId} missing`);
    return { agent, program };
  }

  async function lines(agent: Agent, program: Program, c: SavedParams, period: Period, h: ViewHelpers): Promise<Line[]> {
    const rows: ReportRow[] = await deps.rollups.report(agent.id, toQuery(c, period));
    const names = new Map<string, string>();
    if (c.group === 'program') for (const r of rows) names.set(r.key, (await programs.get(Number(r.key)))?.name ?? r.key);
    const label = (key: string) => {
      if (c.group === 'program') return names.get(key) ?? key;
      if (c.group === 'source' && key === '') return h.t('reports.source.none');
      if (c.group === 'country' && key === '') return h.t('reports.country.unknown');
      return key;
    };
    const out: Line[] = [];
    for (const r of rows) {
      const currencies = r.money.size ? [...r.money.keys()].sort() : [program.currency];
      currencies.forEach((cur, i) => {
        const m = r.money.get(cur) ?? { earned: 0, reversed: 0 };
        // Counts once per group: on its first currency's line.
        const counts = i === 0 ? r : { clicks: 0, signups: 0, qualified: 0, paying: 0 };
        out.push({ label: label(r.key), currency: cur, clicks: counts.clicks, signups: counts.signups, qualified: counts.qualified, paying: counts.paying, earned: m.earned, reversed: m.reversed });
      });
    }
    return out;
  }

  async function show(user: HostUser, req: Request, res: Response, c: SavedParams, opened: SavedReport | null, refused?: RefusedForm): Promise<void> {
    const h = pages.helpers(req);
    const ctx = await context(user);
    if (!ctx) return pages.clientPage(req, res, { titleKey: 'reports.title', href: PAGE, html: await pages.render('client/not-agent', { h }) });
    const { agent, program } = ctx;
    const { period, refused: periodRefused } = periodOrDefault(c, deps.clock.now(), program.timezone);
    const [list, saved, dims] = await Promise.all([lines(agent, program, c, period, h), deps.saved.list(agent.id), deps.rollups.dimensions(agent.id)]);
    const programOptions = await Promise.all(dims.programIds.map(async (id) => ({ id, name: (await programs.get(id))?.name ?? String(id) })));
    const totals = new Map<string, Line>();
    for (const l of list) {
      const t = totals.get(l.currency) ?? { label: h.t('reports.total'), currency: l.currency, clicks: 0, signups: 0, qualified: 0, paying: 0, earned: 0, reversed: 0 };
      for (const k of ['clicks', 'signups', 'qualified', 'paying', 'earned', 'reversed'] as const) t[k] += l[k];
      totals.set(l.currency, t);
    }
    const query = new URLSearchParams(Object.entries(c).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const done = req.query.done === 'saved' ? h.t('reports.done.saved') : req.query.done === 'deleted' ? h.t('reports.done.deleted') : null;
    const errors = { ...(refused?.errors ?? {}), ...(periodRefused ? { [periodRefused.field]: h.t(periodRefused.key) } : {}) };
    const html = await pages.render('client/reports', {
      h,
      program,
      c,
      period,
      groups: GROUPS,
      lines: list,
      totals: [...totals.values()],
      saved,
      opened,
      dims,
      programOptions,
      none: NONE,
      notice: done,
      errors,
      values: refused?.values ?? {},
      csvHref: `${clientAction('reportCsv')}&${query.toString()}`,
      csvExcelHref: `${clientAction('reportCsv')}&${query.toString()}&bom=1`,
      saveAction: clientAction('saveReport'),
      deleteAction: clientAction('deleteReport'),
      openHref: (id: number) => `${clientAction('report')}&id=${id}`,
    });
    const status = refused?.status ?? (periodRefused ? 422 : undefined);
    if (opened) pages.clientPage(req, res, { titleKey: 'reports.opened', titleVars: { name: opened.name }, crumbs: [{ label: h.t('reports.title'), href: PAGE }], html, status });
    else pages.clientPage(req, res, { titleKey: 'reports.title', href: PAGE, html, status });
  }

  return {
    reports: {
      method: 'GET',
      asClient: 'affiliates',
      async run(user, req, res) {
        await show(user, req, res, choices(req.query), null);
      },
    },

    report: {
      method: 'GET',
      asClient: 'affiliates',
      async run(user, req, res) {
        const ctx = await context(user);
        const id = idField.safeParse(req.query.id);
        const opened = ctx && id.success ? await deps.saved.mine(ctx.agent.id, id.data) : null;
        if (!opened) {
          const h = pages.helpers(req);
          return pages.alert(req, res, { area: 'client', title: h.t('reports.title'), breadcrumb: [], status: 404 }, h.t('reports.not_found'));
        }
        await show(user, req, res, opened.params, opened);
      },
    },

    reportCsv: {
      method: 'GET',
      asClient: 'affiliates',
      async run(user, req, res) {
        const h = pages.helpers(req);
        const ctx = await context(user);
        if (!ctx) return pages.clientPage(req, res, { titleKey: 'reports.title', href: PAGE, html: await pages.render('client/not-agent', { h }) });
        const c = choices(req.query);
        const asked = resolvePeriod(c, deps.clock.now(), ctx.program.timezone);
        if (asked instanceof PeriodRefused) return pages.alert(req, res, { area: 'client', title: h.t('reports.title'), breadcrumb: [], status: 422 }, h.t(asked.key));
        const list = await lines(ctx.agent, ctx.program, c, asked, h);
        const header = [
          h.t(`reports.group.${c.group}`),
          h.t('reports.col.currency'),
          h.t('reports.col.clicks'),
          h.t('reports.col.signups'),
          h.t('reports.col.qualified'),
          h.t('reports.col.paying'),
          h.t('reports.col.earned'),
          h.t('reports.col.reversed'),
          h.t('reports.col.net'),
        ];
        const rows = list.map((l): CsvCell[] => [
          l.label,
          l.currency,
          l.clicks,
          l.signups,
          l.qualified,
          l.paying,
          h.decimal(l.earned, l.currency),
          h.decimal(l.reversed, l.currency),
          h.decimal(l.earned - l.reversed, l.currency),
        ]);
        await sendCsv(res, `report-${asked.from}-${asked.to}-${c.group}.csv`, header, rows, { bom: req.query.bom === '1' });
      },
    },

    // Always the signed-in agent's own: the form names no agent. Not open to an agent signed in
    // as a client (no asClient): saved reports are the agent's own business.
    saveReport: {
      method: 'POST',
      async run(user, req, res) {
        const ctx = await context(user);
        if (!ctx) throw new RuleError('affiliate.not_agent');
        const c = choices(formValues(req.body));
        await submitClientForm(
          req,
          res,
          'saveReport',
          async (v) => `${clientAction('report')}&id=${(await deps.saved.save(ctx.agent.id, v.name ?? '', c)).id}&done=saved`,
          (rq, rs, refused) => show(user, rq, rs, c, null, refused),
        );
      },
    },

    deleteReport: {
      method: 'POST',
      async run(user, req, res) {
        const ctx = await context(user);
        if (!ctx) throw new RuleError('affiliate.not_agent');
        const id = idField.safeParse(formValues(req.body).id);
        if (!id.success || !(await deps.saved.remove(ctx.agent.id, id.data))) {
          const h = pages.helpers(req);
          return pages.alert(req, res, { area: 'client', title: h.t('reports.title'), breadcrumb: [], status: 404 }, h.t('reports.not_found'));
        }
        res.redirect(303, `${PAGE}&done=deleted`);
      },
    },
  };
}
