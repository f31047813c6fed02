import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import type { HostAdmin } from '../contract/host-api';
import type { Actions } from '../http/action';
import type { Pages } from '../http/pages';
import { sendCsv, type CsvCell } from '../http/csv';
import { adminAction } from '../http/paths';
import { adminCrumbs } from './admin-nav';
import type { PeopleService } from './people-service';
import { fullName } from './people-service';
import type { Period, ProgramReportService } from './program-report-service';
import { localeOf } from '../i18n/lang';

export const PRESETS = ['7d', '30d', '90d', '12m', 'custom'] as const;
type Preset = (typeof PRESETS)[number];
export const REPORT_TABLES = ['liability', 'due', 'scheduled', 'top', 'funnel'] as const;
type ReportTable = (typeof REPORT_TABLES)[number];

const DAY_MS = 86_400_000;

/** The period the admin picked, in UTC days: a preset ending today, or from–to (both days included). */
export function pickPeriod(query: Request['query'], now: number): { preset: Preset; from: string; to: string; period: Period; error: string | null } {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const preset = (PRESETS as readonly string[]).includes(str(query.period)) ? (str(query.period) as Preset) : '30d';
  const today = DateTime.fromMillis(now, { zone: 'UTC' }).startOf('day');
  const end = today.plus({ days: 1 });
  const presetStart = (p: Preset) => (p === '7d' ? end.minus({ days: 7 }) : p === '90d' ? end.minus({ days: 90 }) : p === '12m' ? end.minus({ months: 12 }) : end.minus({ days: 30 }));
  if (preset === 'custom') {
    const from = DateTime.fromISO(str(query.from), { zone: 'UTC' });
    const to = DateTime.fromISO(str(query.to), { zone: 'UTC' });
    if (from.isValid && to.isValid && from <= to && to.diff(from, 'days').days <= 3660) {
      return { preset, from: str(query.from), to: str(query.to), period: { from: from.toMillis(), to: to.toMillis() + DAY_MS }, error: null };
    }
    const start = presetStart('30d');
    return { preset, from: str(query.from), to: str(query.to), period: { from: start.toMillis(), to: end.toMillis() }, error: 'adminarea.report.bad_period' };
  }
  const start = presetStart(preset);
  return { preset, from: start.toISODate()!, to: today.toISODate()!, period: { from: start.toMillis(), to: end.toMillis() }, error: null };
}

export interface ProgramReportDeps {
  pages: Pages;
  report: Pick<ProgramReportService, 'now' | 'liability' | 'dueRequests' | 'scheduled' | 'topAgents' | 'funnel'>;
  people: Pick<PeopleService, 'agents'>;
}

/**
 * The program report (GET programReport): what is owed per currency, payouts due, the period's
 * top agents and each program's funnel; `&export=<table>` sends that table as CSV, amounts as
 * decimal text with their currency, the same figures the page shows.
 */
export function programReportActions(deps: ProgramReportDeps): Actions<HostAdmin> {
  const { pages } = deps;
  return {
    programReport: {
      method: 'GET',
      async run(_admin, req: Request, res: Response) {
        const h = pages.helpers(req);
        const now = deps.report.now();
        const picked = pickPeriod(req.query, now);
        const [liability, due, scheduled, top, funnel] = await Promise.all([
          deps.report.liability(),
          deps.report.dueRequests(),
          deps.report.scheduled(now),
          deps.report.topAgents(picked.period),
          deps.report.funnel(picked.period),
        ]);
        const named = await deps.people.agents(top.map((a) => a.agentId));
        const agentName = (id: number) => {
          const a = named.get(id);
          return a?.client ? fullName(a.client) : h.t('adminarea.person.agent_id', { id });
        };
        const agentEmail = (id: number) => named.get(id)?.client?.email ?? '';
        // A conversion rate of counts (not money), in the page's language.
        const percent = new Intl.NumberFormat(localeOf(pages.languageOf(req)), { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
        const rate = (n: number, d: number) => (d > 0 ? percent.format(n / d) : '—');

        const tables: Record<ReportTable, { header: string[]; rows: CsvCell[][] }> = {
          liability: {
            header: ['currency', 'pending', 'available', 'requested', 'total'].map((k) => h.t(`adminarea.report.col.${k}`)),
            rows: liability.map((l) => [l.currency, h.decimal(l.pending, l.currency), h.decimal(l.available, l.currency), h.decimal(l.requested, l.currency), h.decimal(l.total, l.currency)]),
          },
          due: {
            header: ['date', 'currency', 'requests', 'amount'].map((k) => h.t(`adminarea.report.col.${k}`)),
            rows: due.map((d) => [d.date, d.currency, d.count, h.decimal(d.amount, d.currency)]),
          },
          scheduled: {
            header: ['program', 'schedule', 'date', 'currency', 'agents', 'amount'].map((k) => h.t(`adminarea.report.col.${k}`)),
            rows: scheduled.map((s) => [s.program, h.t(`adminarea.report.schedule.${s.schedule}`), s.date, s.currency, s.agents, h.decimal(s.amount, s.currency)]),
          },
          top: {
            header: ['agent', 'email', 'currency', 'commissions', 'earned'].map((k) => h.t(`adminarea.report.col.${k}`)),
            rows: top.map((a) => [agentName(a.agentId), agentEmail(a.agentId), a.currency, a.commissions, h.decimal(a.earned, a.currency)]),
          },
          funnel: {
            header: ['program', 'clicks', 'signups', 'signup_rate', 'paying', 'paying_rate', 'currency', 'earned'].map((k) => h.t(`adminarea.report.col.${k}`)),
            rows: funnel.map((f) => [f.program, f.clicks, f.signups, rate(f.signups, f.clicks), f.paying, rate(f.paying, f.signups), f.currency, h.decimal(f.earned, f.currency)]),
          },
        };

        const wanted = typeof req.query.export === 'string' ? req.query.export : null;
        if (wanted && (REPORT_TABLES as readonly string[]).includes(wanted)) {
          const t = tables[wanted as ReportTable];
          const dated = wanted === 'top' || wanted === 'funnel' ? `-${picked.from}-${picked.to}` : '';
          return sendCsv(res, `agenttools-${wanted}${dated}.csv`, t.header, t.rows, { bom: req.query.bom === '1' });
        }

        const query = new URLSearchParams({ period: picked.preset, ...(picked.preset === 'custom' ? { from: picked.from, to: picked.to } : {}) }).toString();
        const html = await pages.render('admin/program-report', {
          h,
          picked,
          presets: PRESETS,
          liability,
          due,
          scheduled,
          top,
          funnel,
          agentName,
          agentEmail,
          rate,
          exportUrl: (table: ReportTable) => `${adminAction('programReport')}&${query}&export=${table}`,
          action: adminAction,
        });
        const title = h.t('adminarea.page.programReport');
        pages.send(req, res, { area: 'admin', title, breadcrumb: adminCrumbs(h.t, { label: title, href: adminAction('programReport') }), html, status: picked.error ? 422 : undefined });
      },
    },
  };
}
