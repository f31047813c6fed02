import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { RuleError, isUniqueViolation } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { Ledger } from '../ledger/ledger';
import type { ProgramService } from '../programs/program-service';
import type { AgentService } from '../agents/agent-service';
import type { AssignmentService } from '../attribution/assignment-service';
import { ImportLog } from './import-log';
import { type Figures, ImportReport, type Item } from './import-report';
import { moduleFigures } from './module-figures';
import { type AffiliatePlan, type ProgramChoice, planAffiliate } from './whmcs-mapping';
import { WhmcsTables, type WhmcsAffiliate } from './whmcs-tables';
import { type AgentRef, AffiliateWriter } from './whmcs-writer';

export interface ImportOptions {
  /** Names the WHMCS installation in the import record, so that two can be imported; default 'whmcs'. */
  source?: string;
  /** The programs affiliates join, by slug: at most one per currency; each affiliate joins the one in their currency. */
  programs: string[];
  dryRun: boolean;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** One page of affiliates and the rows that hang from them. */
interface Page {
  affiliates: WhmcsAffiliate[];
  facts: (a: WhmcsAffiliate) => Parameters<typeof planAffiliate>[1];
}

/**
 * Brings a WHMCS installation's affiliates across (tblaffiliates and the tables that hang from
 * it): each affiliate becomes an agent of the program given for their currency, mapped to the
 * same client id, which the billing platform must have (a missing or closed client is reported
 * and skipped). Pages of affiliates are read in id order, each affiliate written in its own
 * transaction with its import record, so that a run cut short is finished by the next and a
 * second run changes nothing. A dry run decides the same and writes nothing.
 */
export class WhmcsImportService {
  private readonly log: ImportLog;
  private readonly writer: AffiliateWriter;

  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'getClient'>,
    private readonly programs: Pick<ProgramService, 'bySlug' | 'get'>,
    private readonly agents: Pick<AgentService, 'byClient' | 'activateForClient'>,
    assignments: Pick<AssignmentService, 'assign' | 'forClient'>,
    private readonly ledger: Pick<Ledger, 'post' | 'balancesOf'>,
    private readonly clock: Clock,
  ) {
    this.log = new ImportLog(db);
    this.writer = new AffiliateWriter(db, ledger, assignments, this.log, clock);
  }

  async run(sourceDb: Knex, options: ImportOptions): Promise<ImportReport> {
    const source = options.source ?? 'whmcs';
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(source)) throw new RuleError('whmcs_import.error.source', 'source');
    const choices = await this.choices(options.programs);
    const tables = new WhmcsTables(sourceDb);
    await tables.check();
    const total = await tables.countAffiliates();
    const report = new ImportReport(source, options.dryRun);
    const referredNow = new Map<number, number>();
    for (let after = 0; ;) {
      const page = await this.page(tables, after, options.batchSize ?? 200);
      if (!page.affiliates.length) break;
      const hostHas = await this.hostClients(page);
      for (const a of page.affiliates) {
        after = a.id;
        const items = await this.affiliate(a, page, choices, hostHas, referredNow, source, report);
        for (const item of items) if (item.kind === 'account' && item.status === 'imported' && item.clientId !== undefined) referredNow.set(item.clientId, a.id);
        report.affiliatesRead++;
        options.onProgress?.(report.affiliatesRead, total);
      }
    }
    const orphans = await tables.orphanPending();
    if (orphans) report.problems.push(`${orphans} pending commissions belong to no referred account (their tblaffiliatesaccounts row was deleted): not imported`);
    return report;
  }

  /** The module's figures for what a source brought: the agents, their referrals and balances. */
  inModule(source = 'whmcs'): Promise<Map<string, Figures>> {
    return moduleFigures(this.db, this.ledger, source);
  }

  private async affiliate(
    a: WhmcsAffiliate,
    page: Page,
    choices: Map<string, ProgramChoice>,
    hostHas: Map<number, string | null>,
    referredNow: ReadonlyMap<number, number>,
    source: string,
    report: ImportReport,
  ): Promise<Item[]> {
    const who = `affiliate ${a.id} (client ${a.clientId})`;
    const outcome = planAffiliate(a, page.facts(a), choices, this.clock.now());
    if ('unplaced' in outcome) {
      report.unplaced++;
      report.problems.push(`${who}: skipped: ${outcome.unplaced}`);
      return [];
    }
    const { plan } = outcome;
    const done = await this.log.imported(source, {
      affiliate: [a.id],
      account: plan.accounts.map((x) => x.id),
      pending: plan.pending.map((x) => x.id),
      balance: [a.id],
      withdrawal: plan.withdrawals.map((x) => x.id),
      withdrawn: [a.id],
    });
    for (const l of plan.left) {
      report.tally(plan.currency, { kind: l.kind, id: l.id, status: 'skipped', figure: l.kind === 'pending' ? 'pending' : 'withdrawn', amount: l.amount ?? undefined });
      report.problems.push(`${who}: ${l.kind} ${l.id} skipped: ${l.reason}`);
    }
    for (const note of plan.notes) report.notes.push(`${who}: ${note}`);
    // A plan has no program exactly when it says why (skip): no program given pays in its currency.
    const program = plan.program;
    const agent = program ? await this.agentFor(plan, program, hostHas.get(a.clientId), report.dryRun) : (plan.skip ?? 'no program');
    let items: Item[];
    if (!program || typeof agent === 'string') {
      const reason = typeof agent === 'string' ? agent : 'no program';
      items = AffiliateWriter.skipped(plan, done, reason);
      if (items.some((i) => i.status === 'skipped')) report.problems.push(`${who}: skipped: ${reason}`);
    } else {
      const referable = new Set(plan.accounts.flatMap((x) => (x.clientId !== null && (hostHas.get(x.clientId) ?? null) !== null ? [x.clientId] : [])));
      items = await this.writer.write(plan, program, agent, { source, dryRun: report.dryRun, done, hostHas: referable, referredNow }).catch((e: unknown) => {
        // Another run brought this affiliate at the same moment: its import records stand.
        if (!isUniqueViolation(e)) throw e;
        return AffiliateWriter.skipped(plan, done, 'brought by another run at the same time').map((i): Item => ({ ...i, status: 'already' }));
      });
      for (const i of items) if (i.status === 'skipped') report.problems.push(`${who}: ${i.kind} ${i.id} skipped: ${i.reason ?? ''}`);
    }
    for (const item of items) report.tally(plan.currency, item);
    return items;
  }

  /** The agent the affiliate becomes, or why they cannot: the client must be in the billing platform and open. */
  private async agentFor(plan: AffiliatePlan, program: ProgramChoice, hostStatus: string | null | undefined, dryRun: boolean): Promise<AgentRef | string> {
    const clientId = plan.affiliate.clientId;
    if (hostStatus === null || hostStatus === undefined) return `client ${clientId} is not in the billing platform`;
    if (hostStatus === 'Closed') return `client ${clientId} is closed in the billing platform`;
    const existing = await this.agents.byClient(clientId);
    if (existing) {
      if (existing.status !== 'active') return `client ${clientId} is agent ${existing.id}, who is blocked`;
      const theirs = await this.programs.get(existing.programId);
      if (theirs?.currency !== plan.currency)
        return `client ${clientId} is already agent ${existing.id} of ${theirs?.slug ?? 'another program'}, which pays in ${theirs?.currency ?? 'another currency'}`;
      return { id: existing.id, tier: existing.tier };
    }
    if (dryRun) return { id: null, tier: null };
    const made = await this.agents.activateForClient(clientId, program.id);
    return { id: made.id, tier: made.tier };
  }

  /** The programs by currency; an unknown slug, or two in one currency, is refused before anything is read. */
  private async choices(slugs: string[]): Promise<Map<string, ProgramChoice>> {
    if (!slugs.length) throw new RuleError('whmcs_import.error.program_required', 'program');
    const out = new Map<string, ProgramChoice>();
    for (const slug of slugs) {
      const p = await this.programs.bySlug(slug);
      if (!p) throw new RuleError('whmcs_import.error.no_program', 'program', { slug });
      const other = out.get(p.currency);
      if (other) throw new RuleError('whmcs_import.error.same_currency', 'program', { first: other.slug, second: p.slug, currency: p.currency });
      out.set(p.currency, { id: p.id, slug: p.slug, currency: p.currency, timezone: p.timezone, version: p.version });
    }
    return out;
  }

  private async page(tables: WhmcsTables, after: number, size: number): Promise<Page> {
    const affiliates = await tables.affiliatesAfter(after, size);
    const ids = affiliates.map((a) => a.id);
    const [clients, accounts, pending, withdrawals, history] = await Promise.all([
      tables.clients(affiliates.map((a) => a.clientId)),
      tables.accountsOf(ids),
      tables.pendingOf(ids),
      tables.withdrawalsOf(ids),
      tables.historyTotals(ids),
    ]);
    const by = <T extends { affiliateId: number }>(rows: T[]) => {
      const m = new Map<number, T[]>();
      for (const r of rows) {
        const list = m.get(r.affiliateId);
        if (list) list.push(r);
        else m.set(r.affiliateId, [r]);
      }
      return m;
    };
    const [accountsOf, pendingOf, withdrawalsOf] = [by(accounts), by(pending), by(withdrawals)];
    return {
      affiliates,
      facts: (a) => ({
        client: clients.get(a.clientId),
        accounts: accountsOf.get(a.id) ?? [],
        pending: pendingOf.get(a.id) ?? [],
        withdrawals: withdrawalsOf.get(a.id) ?? [],
        history: history.get(a.id),
      }),
    };
  }

  /** Each client of the page (affiliates and those they referred) as the billing platform has it: its status, or null when it has none. */
  private async hostClients(page: Page): Promise<Map<number, string | null>> {
    const ids = new Set<number>();
    for (const a of page.affiliates) {
      ids.add(a.clientId);
      for (const acc of page.facts(a).accounts) if (acc.clientId !== null) ids.add(acc.clientId);
    }
    const out = new Map<number, string | null>();
    for (const id of ids) out.set(id, (await this.host.getClient(id))?.status ?? null);
    return out;
  }
}
