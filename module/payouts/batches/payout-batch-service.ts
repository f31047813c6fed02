import type { Knex } from 'knex';
import type { RenderEmail } from '../../notifications';
import { T } from '../../db/tables';
import type { Clock } from '../../core/clock';
import { RuleError } from '../../core/errors';
import { noOutbox, type Outbox } from '../../core/outbox';
import type { HostApi } from '../../contract/host-api';
import { moneyValue, type Translate } from '../../i18n/lang';
import type { Ledger, Posting } from '../../ledger/ledger';
import { HOUSE } from '../../ledger/accounts';
import { type Minor, convert, minor, neg } from '../../money/amount';
import { currency, isCurrency } from '../../money/currencies';
import type { Program, ProgramService } from '../../programs/program-service';
import { asRow, asRows, num, numberOrNull, oneOf, rowOrNull, stringOrNull, text } from '../../db/columns';
import { inTransaction } from '../../db/transaction';
import { type Withholding, withholdingColumns } from '../../tax';
import { PAYOUT_METHOD_KINDS, type PayoutDetails, type PayoutMethodKind, type PayoutMethodReader } from '../payout-method';
import { defaultPayCurrency, methodPays } from './pay-currencies';
import { batchFile, type BatchFile, type FileLine } from './batch-files';

export const BATCH_STATUSES = ['draft', 'approved', 'closed'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
export const LINE_STATUSES = ['included', 'excluded', 'paid', 'failed'] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

/** PayPal takes at most 5,000 payments in one Payouts Web file. */
export const PAYPAL_FILE_LIMIT = 5000;
/** Withdrawals taken into a batch per transaction: big enough to be quick, small enough not to hold locks long. */
const CHUNK = 500;

/** Credit to the agent's own client account in the host (HostApi.addCredit), idempotent by the withdrawal's id. */
export type CreditToAccount = (credit: { clientId: number; amount: Minor; currency: string; withdrawalId: number; description: string }) => Promise<void>;

/** Told (0, total) before the first line and after each: a progress bar, or a test's barrier (awaited). */
export type Progress = (done: number, total: number) => void | Promise<void>;

export interface DueLine {
  withdrawalId: number;
  agentId: number;
  clientId: number;
  amount: Minor;
  requestedAt: number;
  period: string | null;
}

/** What is due for one program, currency and method (null: the agent has recorded no method). */
export interface DueGroup {
  programId: number;
  programName: string;
  currency: string;
  method: PayoutMethodKind | null;
  total: Minor;
  lines: DueLine[];
}

export interface PayoutBatch {
  id: number;
  programId: number;
  currency: string;
  method: PayoutMethodKind;
  payCurrency: string | null;
  cutOff: number;
  status: BatchStatus;
  createdBy: number;
  createdAt: number;
  approvedBy: number | null;
  approvedAt: number | null;
  closedAt: number | null;
}

export interface PayoutLine {
  id: number;
  batchId: number;
  withdrawalId: number;
  agentId: number;
  status: LineStatus;
  gross: Minor;
  taxBp: number;
  tax: Minor;
  net: Minor;
  payCurrency: string;
  /** Units of payCurrency for one unit of the batch's currency; null when they are the same. */
  rate: string | null;
  pay: Minor;
  taxProfileId: number | null;
  taxBasis: { key: string; vars: Record<string, string | number> };
  reason: string | null;
  reference: string | null;
  settledBy: number | null;
  settledAt: number | null;
}

export interface BatchTotals {
  lines: number;
  gross: Minor;
  tax: Minor;
  net: Minor;
}

export interface BatchView {
  batch: PayoutBatch;
  lines: PayoutLine[];
  /** Of the lines not excluded. */
  totals: BatchTotals;
}

export interface NewBatch {
  programId: number;
  currency: string;
  method: string;
  cutOff: number;
  /** The currency the method pays in, when not the default (the program's; KES for M-Pesa). */
  payCurrency?: string | null;
}

export interface Created {
  batch: PayoutBatch;
  taken: number;
  /** Due withdrawals of the method left due, and why (translated). */
  skipped: { withdrawalId: number; reason: string }[];
}

export interface Settled {
  done: number;
  /** Lines another admin (or an earlier run) settled first, or not included. */
  skipped: number;
}

function batchFromRow(value: unknown): PayoutBatch {
  const r = asRow(value);
  return {
    id: num(r.id),
    programId: num(r.program_id),
    currency: text(r.currency),
    method: oneOf(PAYOUT_METHOD_KINDS, r.method),
    payCurrency: stringOrNull(r.pay_currency),
    cutOff: num(r.cut_off),
    status: oneOf(BATCH_STATUSES, r.status),
    createdBy: num(r.created_by),
    createdAt: num(r.created_at),
    approvedBy: numberOrNull(r.approved_by),
    approvedAt: numberOrNull(r.approved_at),
    closedAt: numberOrNull(r.closed_at),
  };
}

/**
 * The basis as its column keeps it: whole JSON or nothing. Cut short it would no longer read back;
 * its values (a rate, a country, a tax id, a certificate reference of at most 120 characters)
 * keep it far below the column's 500, so a longer one is a fault to see, not to store.
 */
function basisText(basis: PayoutLine['taxBasis']): string {
  const text = JSON.stringify(basis);
  if (text.length > 500) throw new Error(`tax basis of ${text.length} characters does not fit its column: ${text.slice(0, 80)}…`);
  return text;
}

function basisOf(v: unknown): PayoutLine['taxBasis'] {
  const parsed: unknown = JSON.parse(text(v));
  if (typeof parsed !== 'object' || parsed === null || !('key' in parsed) || typeof parsed.key !== 'string') throw new Error('a payout line has no readable tax basis');
  const vars: Record<string, string | number> = {};
  if ('vars' in parsed && typeof parsed.vars === 'object' && parsed.vars !== null) {
    for (const [k, x] of Object.entries(parsed.vars)) if (typeof x === 'string' || typeof x === 'number') vars[k] = x;
  }
  return { key: parsed.key, vars };
}

function lineFromRow(value: unknown): PayoutLine {
  const r = asRow(value);
  return {
    id: num(r.id),
    batchId: num(r.batch_id),
    withdrawalId: num(r.withdrawal_id),
    agentId: num(r.agent_id),
    status: oneOf(LINE_STATUSES, r.status),
    gross: minor(r.gross_minor),
    taxBp: num(r.tax_bp),
    tax: minor(r.tax_minor),
    net: minor(r.net_minor),
    payCurrency: text(r.pay_currency),
    rate: stringOrNull(r.rate),
    pay: minor(r.pay_minor),
    taxProfileId: numberOrNull(r.tax_profile_id),
    taxBasis: basisOf(r.tax_basis),
    reason: stringOrNull(r.reason),
    reference: stringOrNull(r.reference),
    settledBy: numberOrNull(r.settled_by),
    settledAt: numberOrNull(r.settled_at),
  };
}

function chunks<X>(items: X[], size: number): X[][] {
  const out: X[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Payout batches: the admin gathers what is due for one program, currency and method, excludes
 * what should wait, approves, hands the file to the bank (credit is applied at once through the
 * host) and marks lines paid or failed. Who wins when two admins (or two nodes) act on the same
 * line is decided by conditional UPDATEs (a line goes from included to paid only once; a
 * withdrawal from requested into a batch only once) and by unique keys (one live line per
 * withdrawal; one `pay:<withdrawal>` ledger transaction): never by a read followed by a write.
 */
export class PayoutBatchService {
  constructor(
    private readonly db: Knex,
    private readonly ledger: Pick<Ledger, 'post'>,
    private readonly programs: Pick<ProgramService, 'get'>,
    private readonly methods: PayoutMethodReader,
    private readonly withholding: Withholding,
    private readonly host: Pick<HostApi, 'exchangeRate' | 'getClient' | 'sendEmail'>,
    private readonly credit: CreditToAccount,
    private readonly clock: Clock,
    private readonly t: Translate,
    private readonly outbox: Outbox = noOutbox,
    /** The failed payout's e-mail, in the agent's language (templates/email/payout-failed.ejs); without it, in `t`'s. */
    private readonly render: RenderEmail | null = null,
  ) {}

  /** Everything requested or scheduled up to the cut-off and not yet in a batch, per program, currency and method. */
  async due(cutOff: number, programId?: number): Promise<DueGroup[]> {
    const rows = await this.dueRows(cutOff, programId);
    const methods = await this.methodsOf(rows.map((r) => r.agentId));
    const groups = new Map<string, DueGroup>();
    const names = new Map<number, string>();
    for (const r of rows) {
      const method = methods.get(r.agentId)?.kind ?? null;
      const key = `${r.programId}/${r.currency}/${method ?? ''}`;
      let g = groups.get(key);
      if (!g) {
        if (!names.has(r.programId)) names.set(r.programId, (await this.programs.get(r.programId))?.name ?? String(r.programId));
        g = { programId: r.programId, programName: names.get(r.programId) ?? '', currency: r.currency, method, total: minor(0), lines: [] };
        groups.set(key, g);
      }
      g.lines.push(r.line);
      g.total = minor(g.total + r.line.amount);
    }
    return [...groups.values()];
  }

  private async dueRows(cutOff: number, programId?: number, currencyCode?: string) {
    let q = this.db(`${T.withdrawals} as w`)
      .join(`${T.agents} as a`, 'a.id', 'w.agent_id')
      .where('w.status', 'requested')
      .where('w.requested_at', '<=', cutOff)
      .select('w.id', 'w.agent_id', 'w.currency', 'w.amount_minor', 'w.requested_at', 'w.period', 'a.program_id', 'a.client_id')
      .orderBy('w.id');
    if (programId !== undefined) q = q.where('a.program_id', programId);
    if (currencyCode !== undefined) q = q.where('w.currency', currencyCode);
    return asRows(await q).map((r) => ({
      programId: num(r.program_id),
      currency: text(r.currency),
      agentId: num(r.agent_id),
      line: { withdrawalId: num(r.id), agentId: num(r.agent_id), clientId: num(r.client_id), amount: minor(r.amount_minor), requestedAt: num(r.requested_at), period: stringOrNull(r.period) },
    }));
  }

  private async methodsOf(agentIds: number[]): Promise<Map<number, PayoutDetails | null>> {
    const out = new Map<number, PayoutDetails | null>();
    for (const id of agentIds) if (!out.has(id)) out.set(id, await this.methods.forAgent(id));
    return out;
  }

  /**
   * A draft batch of the program's due withdrawals (up to the cut-off) whose agents are paid by
   * the method. Each withdrawal is taken by a conditional UPDATE (requested → in_batch): one that
   * the agent cancelled, or another batch took, meanwhile is simply not in this one.
   */
  async create(input: NewBatch, adminId: number, onProgress?: Progress): Promise<Created> {
    const method = PAYOUT_METHOD_KINDS.find((k) => k === input.method);
    if (!method) throw new RuleError('batches.error.method', 'method', { methods: PAYOUT_METHOD_KINDS.join(', ') });
    const program = await this.programs.get(input.programId);
    if (!program) throw new RuleError('batches.error.program', 'program_id');
    if (input.currency !== program.currency) throw new RuleError('batches.error.currency', 'currency', { program: program.name, currency: program.currency });
    if (!Number.isSafeInteger(input.cutOff) || input.cutOff <= 0) throw new RuleError('batches.error.cut_off', 'cut_off');
    const payCurrency = this.payCurrencyOf(method, program, input.payCurrency ?? null);
    const rate = payCurrency === null || payCurrency === program.currency ? null : await this.rate(program.currency, payCurrency, 'pay_currency');

    const rows = await this.dueRows(input.cutOff, program.id, program.currency);
    const methods = await this.methodsOf(rows.map((r) => r.agentId));
    let candidates = rows.filter((r) => methods.get(r.agentId)?.kind === method).map((r) => r.line);
    if (!candidates.length) throw new RuleError('batches.error.nothing_due', 'method', { method });
    if (method === 'paypal') candidates = candidates.slice(0, PAYPAL_FILE_LIMIT);

    const now = this.clock.now();
    const [batchId] = await this.db(T.payoutBatches).insert({
      program_id: program.id,
      currency: program.currency,
      method,
      pay_currency: payCurrency,
      cut_off: input.cutOff,
      status: 'draft',
      created_by: adminId,
      created_at: now,
    });
    const id = Number(batchId);
    const skipped: Created['skipped'] = [];
    const creditRates = new Map<string, string | null>();
    let taken = 0;
    let done = 0;
    for (const chunk of chunks(candidates, CHUNK)) {
      // Decided before the transaction: withholding and rates may read; the locks are held only for the writes.
      const planned: Record<string, unknown>[] = [];
      for (const w of chunk) {
        const line = await this.plan(id, program, method, w, payCurrency, rate, creditRates);
        if (typeof line === 'string') skipped.push({ withdrawalId: w.withdrawalId, reason: line });
        else planned.push(line);
      }
      if (planned.length) {
        taken += await inTransaction(this.db, async (trx) => {
          const ids = planned.map((p) => Number(p.withdrawal_id));
          await trx(T.withdrawals).whereIn('id', ids).where('status', 'requested').update({ status: 'in_batch', batch_id: id });
          const got = new Set(asRows(await trx(T.withdrawals).whereIn('id', ids).where({ status: 'in_batch', batch_id: id }).select('id')).map((r) => num(r.id)));
          const lines = planned.filter((p) => got.has(Number(p.withdrawal_id)));
          if (lines.length) await trx(T.payoutLines).insert(lines);
          return lines.length;
        });
      }
      done += chunk.length;
      await onProgress?.(done, candidates.length);
    }
    return { batch: await this.batch(id), taken, skipped };
  }

  private payCurrencyOf(method: PayoutMethodKind, program: Program, asked: string | null): string | null {
    const code = asked === null || asked === '' ? defaultPayCurrency(method, program.currency) : asked.toUpperCase();
    if (method === 'credit') {
      if (asked) throw new RuleError('batches.error.credit_currency', 'pay_currency');
      return null;
    }
    if (code === null || !isCurrency(code) || !methodPays(method, code)) {
      throw new RuleError('batches.error.pay_currency', 'pay_currency', { method, currency: code ?? '' });
    }
    return code;
  }

  private async rate(from: string, to: string, field: string): Promise<string> {
    const rate = await this.host.exchangeRate(from, to);
    if (rate === null || !/^\d{1,12}(\.\d{1,12})?$/.test(rate.trim()) || /^0+(\.0+)?$/.test(rate.trim())) {
      throw new RuleError('batches.error.no_rate', field, { from, to });
    }
    return rate.trim();
  }

  /** The row of one line, or why the withdrawal stays due (translated). */
  private async plan(
    batchId: number,
    program: Program,
    method: PayoutMethodKind,
    w: DueLine,
    payCurrency: string | null,
    rate: string | null,
    creditRates: Map<string, string | null>,
  ): Promise<Record<string, unknown> | string> {
    const decision = await this.withholding.forPayout(w.agentId, program, w.amount);
    const net = minor(w.amount - decision.tax);
    if (net < 0) throw new Error(`withholding of ${decision.tax} on ${w.amount} leaves a negative payout`);
    let to = payCurrency;
    let lineRate = rate;
    if (method === 'credit') {
      const client = await this.host.getClient(w.clientId);
      if (!client) return this.t('batches.skip.no_client');
      to = client.currency;
      if (!isCurrency(to)) return this.t('batches.skip.no_rate', { from: program.currency, to });
      if (to !== program.currency) {
        if (!creditRates.has(to)) creditRates.set(to, await this.rate(program.currency, to, 'method').catch(() => null));
        lineRate = creditRates.get(to) ?? null;
        if (lineRate === null) return this.t('batches.skip.no_rate', { from: program.currency, to });
      } else lineRate = null;
    }
    if (to === null) throw new Error(`a ${method} batch without a pay currency`);
    const pay = lineRate === null ? net : convert(net, program.currency, currency(to), lineRate);
    // Safaricom's B2C pays whole shillings: a line with cents is left for another method.
    if (method === 'mpesa' && pay % 100 !== 0) return this.t('batches.skip.mpesa_cents', { amount: moneyValue(pay, to) });
    return {
      batch_id: batchId,
      withdrawal_id: w.withdrawalId,
      live_withdrawal_id: w.withdrawalId,
      agent_id: w.agentId,
      status: 'included',
      gross_minor: w.amount,
      tax_bp: decision.rateBp,
      tax_minor: decision.tax,
      net_minor: net,
      pay_currency: to,
      rate: lineRate,
      pay_minor: pay,
      tax_profile_id: decision.profileId,
      tax_basis: basisText(decision.basis),
    };
  }

  /** Takes a line out of a draft batch, with the reason: its withdrawal is due again. No money moves. */
  async exclude(batchId: number, lineId: number, reason: string, adminId: number): Promise<PayoutLine> {
    const why = this.reasonOf(reason);
    const wasDraft = await inTransaction(this.db, async (trx) => {
      // Holds the batch row while the line leaves, so that an approval waits and then sees it gone.
      const draft = await trx(T.payoutBatches).where({ id: batchId, status: 'draft' }).update({ status: 'draft' });
      if (!draft) return false;
      const line = await this.lineIn(trx, batchId, lineId);
      const moved = await trx(T.payoutLines)
        .where({ id: lineId, batch_id: batchId, status: 'included' })
        .update({ status: 'excluded', live_withdrawal_id: null, reason: why, settled_by: adminId, settled_at: this.clock.now() });
      if (!moved) throw new RuleError('batches.error.line_not_included', 'line_id', { line: lineId });
      const back = await trx(T.withdrawals).where({ id: line.withdrawalId, status: 'in_batch', batch_id: batchId }).update({ status: 'requested', batch_id: null });
      if (!back) throw new Error(`withdrawal ${line.withdrawalId} of line ${lineId} is not in batch ${batchId}`);
      return true;
    });
    // Why not, read once the transaction is over (SQLite's one connection is the transaction's until then).
    if (!wasDraft) throw await this.notDraft(batchId);
    return this.line(batchId, lineId);
  }

  private reasonOf(reason: string): string {
    const why = reason.trim();
    if (!why) throw new RuleError('batches.error.reason', 'reason');
    if (why.length > 500) throw new RuleError('batches.error.reason_long', 'reason', { n: 500 });
    return why;
  }

  private async notDraft(batchId: number): Promise<RuleError> {
    const b = await this.find(batchId);
    if (!b) return new RuleError('batches.error.no_batch', 'batch_id', { batch: batchId });
    return new RuleError('batches.error.not_draft', 'batch_id', { batch: batchId, status: b.status });
  }

  /**
   * Draft → approved. A credit batch is then paid at once: each line credited to the agent's
   * client account in the host. Approving an approved credit batch again finishes the credits a
   * crash left (the host's credit is idempotent by withdrawal id, the line's UPDATE by its status).
   */
  async approve(batchId: number, adminId: number, onProgress?: Progress): Promise<{ batch: PayoutBatch; credited: number }> {
    const now = this.clock.now();
    const approved = await this.db(T.payoutBatches).where({ id: batchId, status: 'draft' }).update({ status: 'approved', approved_by: adminId, approved_at: now });
    let batch = await this.find(batchId);
    if (!batch) throw new RuleError('batches.error.no_batch', 'batch_id', { batch: batchId });
    if (!approved && !(batch.status === 'approved' && batch.method === 'credit')) throw await this.notDraft(batchId);
    let credited = 0;
    if (batch.method === 'credit') credited = (await this.settle(batch, null, { outcome: 'paid', reference: 'credit' }, adminId, onProgress)).done;
    await this.closeIfSettled(batchId);
    batch = await this.batch(batchId);
    return { batch, credited };
  }

  /** Lines of an approved batch paid: all its included lines, or those named. Each is paid once, whoever else tries. */
  async markPaid(batchId: number, reference: string, adminId: number, lineIds: number[] | null = null, onProgress?: Progress): Promise<Settled> {
    const ref = reference.trim();
    if (!ref) throw new RuleError('batches.error.reference', 'reference');
    if (ref.length > 120) throw new RuleError('batches.error.reference_long', 'reference', { n: 120 });
    const batch = await this.approvedBatch(batchId);
    if (batch.method === 'credit') throw new RuleError('batches.error.credit_paid', 'batch_id');
    const settled = await this.settle(batch, lineIds, { outcome: 'paid', reference: ref }, adminId, onProgress);
    await this.closeIfSettled(batchId);
    return settled;
  }

  /** Lines of an approved batch failed: their money goes back to the agents' available balances, and each agent is told. */
  async markFailed(batchId: number, reason: string, adminId: number, lineIds: number[] | null = null, onProgress?: Progress): Promise<Settled> {
    const why = this.reasonOf(reason);
    const batch = await this.approvedBatch(batchId);
    const settled = await this.settle(batch, lineIds, { outcome: 'failed', reason: why }, adminId, onProgress);
    await this.closeIfSettled(batchId);
    return settled;
  }

  /** A batch's status only moves forward (draft → approved → closed): a read that says approved stays true for the lines. */
  private async approvedBatch(batchId: number): Promise<PayoutBatch> {
    const batch = await this.find(batchId);
    if (!batch) throw new RuleError('batches.error.no_batch', 'batch_id', { batch: batchId });
    if (batch.status !== 'approved') throw new RuleError('batches.error.not_approved', 'batch_id', { batch: batchId, status: batch.status });
    return batch;
  }

  private async settle(
    batch: PayoutBatch,
    lineIds: number[] | null,
    how: { outcome: 'paid'; reference: string } | { outcome: 'failed'; reason: string },
    adminId: number,
    onProgress?: Progress,
  ): Promise<Settled> {
    let q = this.db(T.payoutLines).where({ batch_id: batch.id }).orderBy('id');
    if (lineIds) {
      if (!lineIds.length) throw new RuleError('batches.error.no_lines', 'line_id');
      q = q.whereIn('id', lineIds);
    } else q = q.where('status', 'included');
    const lines = asRows(await q).map(lineFromRow);
    if (lineIds && lines.length !== new Set(lineIds).size) throw new RuleError('batches.error.line_not_in_batch', 'line_id', { batch: batch.id });
    const clients = new Map(
      asRows(
        await this.db(T.agents)
          .whereIn('id', [...new Set(lines.map((l) => l.agentId))])
          .select('id', 'client_id'),
      ).map((r) => [num(r.id), num(r.client_id)]),
    );
    let done = 0;
    let skipped = 0;
    await onProgress?.(0, lines.length);
    for (const [i, line] of lines.entries()) {
      const clientId = clients.get(line.agentId);
      if (clientId === undefined) throw new Error(`agent ${line.agentId} of line ${line.id} does not exist`);
      const won =
        line.status === 'included' && (how.outcome === 'paid' ? await this.payLine(batch, line, clientId, how.reference, adminId) : await this.failLine(batch, line, clientId, how.reason, adminId));
      if (won) done++;
      else skipped++;
      await onProgress?.(i + 1, lines.length);
    }
    return { done, skipped };
  }

  /** One line paid, in its own transaction; false when another admin (or node) settled it first. */
  private async payLine(batch: PayoutBatch, line: PayoutLine, clientId: number, reference: string, adminId: number): Promise<boolean> {
    // Credit is given by the host first, idempotently by withdrawal: a crash before the line is
    // marked leaves it included, and the next approval asks the host again, which credits once.
    // Asked while no transaction holds a lock, so that a slow host blocks nobody.
    if (batch.method === 'credit') {
      await this.credit({
        clientId,
        amount: line.pay,
        currency: line.payCurrency,
        withdrawalId: line.withdrawalId,
        description: this.t('batches.credit.description', { batch: batch.id, withdrawal: line.withdrawalId }),
      });
    }
    const now = this.clock.now();
    return inTransaction(this.db, async (trx) => {
      const won = await trx(T.payoutLines).where({ id: line.id, batch_id: batch.id, status: 'included' }).update({ status: 'paid', reference, settled_by: adminId, settled_at: now });
      if (!won) return false;
      const w = await trx(T.withdrawals)
        .where({ id: line.withdrawalId, status: 'in_batch', batch_id: batch.id })
        .update({ status: 'paid', paid_at: now, paid_by_admin: adminId, ...withholdingColumns({ rateBp: line.taxBp, tax: line.tax, profileId: line.taxProfileId, basis: line.taxBasis }) });
      if (!w) throw new Error(`withdrawal ${line.withdrawalId} of line ${line.id} is not in batch ${batch.id}`);
      const postings: Posting[] = [
        { agentId: line.agentId, account: 'reserved', amount: neg(line.gross) },
        { agentId: line.agentId, account: 'withdrawn', amount: line.net },
      ];
      if (line.tax > 0) postings.push({ agentId: HOUSE, account: 'withholding_tax', amount: line.tax });
      // The same key as a withdrawal paid on its own: a withdrawal is paid once, whichever way.
      await this.ledger.post(trx, {
        idemKey: `pay:${line.withdrawalId}`,
        kind: 'pay',
        currency: batch.currency,
        memo: `payout batch ${batch.id} line ${line.id} paid (${reference})`,
        withdrawalId: line.withdrawalId,
        postings,
      });
      await this.outbox.add(trx, 'payout.paid', { withdrawal_id: line.withdrawalId, agent_id: line.agentId, amount_minor: line.gross, tax_minor: line.tax, currency: batch.currency });
      return true;
    });
  }

  /** One line failed: its money back to available; the agent is told once the change is committed. */
  private async failLine(batch: PayoutBatch, line: PayoutLine, clientId: number, reason: string, adminId: number): Promise<boolean> {
    const now = this.clock.now();
    const won = await inTransaction(this.db, async (trx) => {
      const moved = await trx(T.payoutLines)
        .where({ id: line.id, batch_id: batch.id, status: 'included' })
        .update({ status: 'failed', live_withdrawal_id: null, reason, settled_by: adminId, settled_at: now });
      if (!moved) return false;
      const w = await trx(T.withdrawals)
        .where({ id: line.withdrawalId, status: 'in_batch', batch_id: batch.id })
        .update({ status: 'failed', reason: reason.slice(0, 255) });
      if (!w) throw new Error(`withdrawal ${line.withdrawalId} of line ${line.id} is not in batch ${batch.id}`);
      await this.ledger.post(trx, {
        idemKey: `payout_fail:${line.withdrawalId}`,
        kind: 'payout_fail',
        currency: batch.currency,
        memo: `payout batch ${batch.id} line ${line.id} failed`,
        withdrawalId: line.withdrawalId,
        postings: [
          { agentId: line.agentId, account: 'reserved', amount: neg(line.gross) },
          { agentId: line.agentId, account: 'available', amount: line.gross },
        ],
      });
      return true;
    });
    if (won) await this.tellFailed(clientId, batch, line, reason);
    return won;
  }

  private async tellFailed(clientId: number, batch: PayoutBatch, line: PayoutLine, reason: string): Promise<void> {
    const client = await this.host.getClient(clientId);
    if (!client) return;
    if (this.render) {
      const mail = await this.render('payout-failed', { line: { gross: line.gross }, batch: { currency: batch.currency }, reason }, clientId);
      return this.host.sendEmail({ to: client.email, subject: mail.subject, text: mail.text });
    }
    const amount = moneyValue(line.gross, batch.currency);
    await this.host.sendEmail({ to: client.email, subject: this.t('batches.email.failed.subject', { amount }), text: this.t('batches.email.failed.body', { amount, reason }) });
  }

  /** Approved → closed once no line is left included (the UPDATE's own condition decides). */
  private async closeIfSettled(batchId: number): Promise<void> {
    await this.db(T.payoutBatches)
      .where({ id: batchId, status: 'approved' })
      .whereNotExists((q) => {
        void q.select('id').from(T.payoutLines).where('batch_id', batchId).where('status', 'included');
      })
      .update({ status: 'closed', closed_at: this.clock.now() });
  }

  /** The file for the batch's method (approved or closed batches only): every line that was approved, in line order. */
  async exportFile(batchId: number, onProgress?: Progress): Promise<BatchFile> {
    const batch = await this.find(batchId);
    if (!batch) throw new RuleError('batches.error.no_batch', 'batch_id', { batch: batchId });
    if (batch.status === 'draft') throw new RuleError('batches.error.approve_first', 'batch_id', { batch: batchId });
    if (batch.method === 'credit') throw new RuleError('batches.error.credit_file', 'batch_id');
    const lines = asRows(await this.db(T.payoutLines).where({ batch_id: batchId }).whereNot('status', 'excluded').orderBy('id')).map(lineFromRow);
    const clients = new Map(
      asRows(
        await this.db(T.agents)
          .whereIn('id', [...new Set(lines.map((l) => l.agentId))])
          .select('id', 'client_id'),
      ).map((r) => [num(r.id), num(r.client_id)]),
    );
    const out: FileLine[] = [];
    for (const [i, l] of lines.entries()) {
      const details = await this.methods.forAgent(l.agentId);
      if (!details || details.kind !== batch.method) throw new RuleError('batches.error.method_changed', 'batch_id', { line: l.id, method: batch.method });
      const client = await this.host.getClient(clients.get(l.agentId) ?? 0);
      const name = client ? client.companyname || `${client.firstname} ${client.lastname}`.trim() : '';
      out.push({ batchId, lineId: l.id, name, details, currency: batch.currency, gross: l.gross, tax: l.tax, net: l.net, payCurrency: l.payCurrency, pay: l.pay });
      await onProgress?.(i + 1, lines.length);
    }
    const file = batchFile(batch.method, batchId, this.t, out);
    if (!file) throw new RuleError('batches.error.credit_file', 'batch_id');
    return file;
  }

  async find(batchId: number): Promise<PayoutBatch | null> {
    const row = rowOrNull(await this.db(T.payoutBatches).where({ id: batchId }).first());
    return row ? batchFromRow(row) : null;
  }

  private async batch(batchId: number): Promise<PayoutBatch> {
    const b = await this.find(batchId);
    if (!b) throw new Error(`payout batch ${batchId}, just written, cannot be read back`);
    return b;
  }

  private async lineIn(trx: Knex | Knex.Transaction, batchId: number, lineId: number): Promise<PayoutLine> {
    const row = rowOrNull(await trx(T.payoutLines).where({ id: lineId, batch_id: batchId }).first());
    if (!row) throw new RuleError('batches.error.line_not_in_batch', 'line_id', { batch: batchId });
    return lineFromRow(row);
  }

  private async line(batchId: number, lineId: number): Promise<PayoutLine> {
    return this.lineIn(this.db, batchId, lineId);
  }

  /** One batch with its lines and the totals of those not excluded; null when there is none. */
  async view(batchId: number): Promise<BatchView | null> {
    const batch = await this.find(batchId);
    if (!batch) return null;
    const lines = asRows(await this.db(T.payoutLines).where({ batch_id: batchId }).orderBy('id')).map(lineFromRow);
    const kept = lines.filter((l) => l.status !== 'excluded');
    const sum = (f: (l: PayoutLine) => number) => minor(kept.reduce((s, l) => s + f(l), 0));
    return { batch, lines, totals: { lines: kept.length, gross: sum((l) => l.gross), tax: sum((l) => l.tax), net: sum((l) => l.net) } };
  }

  async list(limit = 50): Promise<PayoutBatch[]> {
    return asRows(await this.db(T.payoutBatches).orderBy('id', 'desc').limit(limit)).map(batchFromRow);
  }
}
