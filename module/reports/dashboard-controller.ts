import type { HostUser } from '../contract/host-api';
import type { Clock } from '../core/clock';
import type { Actions } from '../http/action';
import type { Pages } from '../http/pages';
import { CLIENT_AREA } from '../http/paths';
import type { AgentService } from '../agents/agent-service';
import type { Ledger } from '../ledger/ledger';
import type { ProbationService } from '../probation/probation-service';
import type { ProgramService } from '../programs/program-service';
import type { TierView } from '../tiers';
import type { WithdrawalService } from '../withdrawals/withdrawal-service';
import { nextPayoutDay } from '../withdrawals';
import { CHART_JS_PATH, OVERVIEW_SCRIPT_PATH } from './asset-router';
import { PERIODS, periodOrDefault } from './period';
import type { Figures, RollupReports } from './rollups/rollup-reports';
import type { ReportService } from './report-service';

export interface DashboardDeps {
  pages: Pages;
  reports: Pick<ReportService, 'nextRelease'>;
  clock: Clock;
  version: string;
  agents: Pick<AgentService, 'byClient'>;
  programs: Pick<ProgramService, 'get'>;
  ledger: Pick<Ledger, 'balances'>;
  withdrawals: Pick<WithdrawalService, 'get'>;
  rollups: Pick<RollupReports, 'totals' | 'report'>;
  /** The countdown of an agent on probation without a first sale yet. */
  probation: Pick<ProbationService, 'countdown'>;
  /** The agent's tier: since when, on what figures, what keeps it and what reaches the next. */
  tierView: Pick<TierView, 'forAgent'>;
}

const METRICS = ['clicks', 'signups', 'qualified', 'paying'] as const;

/** The share b is of a (0.25 for a quarter), or null when a is nothing. */
const ratio = (b: number, a: number) => (a === 0 ? null : b / a);

/**
 * The agent's Overview (the agent area's home): earnings and clicks over a period with the period
 * before for comparison, the funnel from click to paying client, the balances and what happens
 * next. Every figure over time comes from the daily roll-ups.
 */
export function dashboardActions(deps: DashboardDeps): Actions<HostUser> {
  const { pages, agents, programs } = deps;

  return {
    index: {
      method: 'GET',
      asClient: 'affiliates',
      async run(user, req, res) {
        const h = pages.helpers(req);
        const send = (html: string, status?: number) => pages.clientPage(req, res, { titleKey: 'affiliate.title', href: CLIENT_AREA, html, status });
        const agent = await agents.byClient(user.client_id);
        if (!agent) return send(await pages.render('client/not-agent', { h }));
        const program = await programs.get(agent.programId);
        if (!program) throw new Error(`program ${agent.programId} missing`);
        const cur = program.currency;
        const zone = program.timezone;
        const now = deps.clock.now();

        let notice = req.query.signin === 'ended' ? h.t('agent.sign_in_ended') : null;
        const wid = Number(req.query.withdrawal);
        if (Number.isSafeInteger(wid) && wid > 0) {
          const w = await deps.withdrawals.get(wid);
          if (w && w.agentId === agent.id) notice = h.t('affiliate.withdrawal_requested', { amount: h.money(w.amount, w.currency) });
        }

        const { period, refused } = periodOrDefault(req.query, now, zone);
        const [current, previous, series, balances, release, probation, tiers] = await Promise.all([
          deps.rollups.totals(agent.id, { from: period.from, to: period.to }),
          deps.rollups.totals(agent.id, { from: period.previousFrom, to: period.previousTo }),
          deps.rollups.report(agent.id, { from: period.from, to: period.to, group: period.unit }),
          deps.ledger.balances(agent.id, cur),
          deps.reports.nextRelease(agent.id, cur),
          deps.probation.countdown(agent.id),
          deps.tierView.forAgent(agent, program, h),
        ]);

        const earned = (f: Figures) => f.money.get(cur)?.earned ?? 0;
        const byStep = new Map(series.map((r) => [r.key, r]));
        const points = period.steps.map((step) => {
          const r = byStep.get(step);
          return { step, clicks: r?.clicks ?? 0, earned: r ? earned(r) : 0 };
        });
        const comparison = [
          ...METRICS.map((m) => ({ key: m, now: String(current[m]), before: String(previous[m]), change: ratio(current[m] - previous[m], previous[m]) })),
          { key: 'earned', now: h.money(earned(current), cur), before: h.money(earned(previous), cur), change: ratio(earned(current) - earned(previous), earned(previous)) },
        ];
        const funnel = METRICS.map((m, i) => ({ key: m, count: current[m], rate: i === 0 ? null : ratio(current[m], current[METRICS[i - 1] ?? 'clicks']) }));
        // Figures for the chart script, as text: amounts stay decimal strings, never floats.
        const chartData = {
          labels: points.map((p) => p.step),
          earned: points.map((p) => h.decimal(p.earned, cur)),
          clicks: points.map((p) => p.clicks),
          earnedLabel: h.t('overview.col.earned', { currency: cur }),
          clicksLabel: h.t('overview.col.clicks'),
        };
        const payoutDay = nextPayoutDay(program.def.payout.schedule, now, zone);

        send(
          await pages.render('client/dashboard', {
            h,
            program,
            notice,
            probation,
            tiers,
            period,
            periods: PERIODS,
            refused: refused ? { field: refused.field, message: h.t(refused.key) } : null,
            values: { from: typeof req.query.from === 'string' ? req.query.from : period.from, to: typeof req.query.to === 'string' ? req.query.to : period.to },
            points,
            comparison,
            funnel,
            balances,
            release,
            payoutDay,
            // Inside <script type="application/json">: "<" escaped so no text in it can close the element.
            chartJson: JSON.stringify(chartData).replace(/</g, '\\u003c'),
            chartJs: CHART_JS_PATH,
            chartScript: `${OVERVIEW_SCRIPT_PATH}?v=${encodeURIComponent(deps.version)}`,
          }),
          refused ? 422 : undefined,
        );
      },
    },
  };
}
