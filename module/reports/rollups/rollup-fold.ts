import type { Knex } from 'knex';
import type { HostApi } from '../../contract/host-api';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import { asRows, num, rowOrNull, stringOrNull, text } from '../../db/columns';
import { T } from '../../db/tables';
import { inTransaction } from '../../db/transaction';
import type { ProgramService } from '../../programs/program-service';
import type { Click } from '../../tracking';
import { addRollups, dayIn, type RollupDelta } from './rollup-store';

export interface RollupFoldDeps {
  db: Knex;
  host: Pick<HostApi, 'getClient'>;
  programs: Pick<ProgramService, 'get'>;
  clock: Clock;
  logger: Logger;
  /**
   * Rows younger than this are left for the next fold. Ids are handed out at insert and rows
   * become visible at commit, so on MariaDB a row can appear below the cursor after it moved; a
   * few seconds cover every transaction of the module. SQLite commits in id order: 0 there.
   */
  lagMs: number;
}

const BATCH = 500;
/** The balances a commission lives in while it is the agent's; a payout ('pay') leaves them without being a reversal. */
const HELD = new Set(['pending', 'available', 'reserved']);

interface ProgramFacts {
  zone: string;
  currency: string;
}

interface ClientDims {
  source: string;
  country: string;
  qualified: boolean;
  paying: boolean;
}

/**
 * Keeps the daily roll-ups in step with the referrals and the ledger. A fold reads the rows past
 * its cursor, works out what they add, and writes the sums and the new cursor in one transaction
 * that first checks the cursor is still where it read it: a second fold at the same time (another
 * node) finds it moved and starts again, so that folding twice adds nothing.
 *
 * Filed under: sign-ups on the day of the referral; earned and reversed money on the day of its
 * ledger transaction (an agent's net inflow to pending, available and reserved: an earning, or a
 * void, reversal or forfeit when it is negative); "qualified" on the day of a client's first
 * commission for the agent, "paying" on the day its first commission was released from hold.
 */
export class RollupFold {
  private readonly facts = new Map<number, { at: number; facts: ProgramFacts }>();
  private folding: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: RollupFoldDeps) {}

  /** Folds every `everyMs` (a minute by default); a failed fold is logged and tried again next time. */
  start(everyMs = 60_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.fold().catch((e: unknown) => this.deps.logger.error('roll-up fold failed', { error: String(e) }));
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.folding?.catch(() => undefined);
  }

  /** The click buffer's write: adds its clicks to the roll-ups in the same transaction. */
  async clicksWritten(trx: Knex.Transaction, clicks: readonly Click[]): Promise<void> {
    const agentIds = [...new Set(clicks.map((c) => c.agent_id))];
    const programOf = new Map<number, number>();
    for (const r of asRows(await trx(T.agents).whereIn('id', agentIds).select('id', 'program_id'))) programOf.set(num(r.id), num(r.program_id));
    const deltas: RollupDelta[] = [];
    for (const c of clicks) {
      const programId = programOf.get(c.agent_id);
      if (programId === undefined) continue;
      const f = await this.program(programId, trx);
      deltas.push({ agent_id: c.agent_id, program_id: programId, source: c.source ?? 'Default', country: '', day: dayIn(c.created_at, f.zone), currency: f.currency, clicks: 1 });
    }
    await addRollups(trx, deltas);
  }

  /** Folds everything there is to fold (one fold at a time per process); answers the rows folded. */
  fold(): Promise<number> {
    this.folding ??= this.foldAll().finally(() => {
      this.folding = null;
    });
    return this.folding;
  }

  private async foldAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.foldBatch();
      total += n;
      if (n === 0) return total;
    }
  }

  /**
   * Starts again from nothing: empties the roll-ups, counts the clicks again from the clicks
   * table, and folds every referral and ledger transaction. Run it with the app's click buffer
   * idle (the command line does): clicks written meanwhile would be counted twice.
   */
  async rebuild(): Promise<void> {
    const { db } = this.deps;
    await inTransaction(db, async (trx) => {
      await trx(T.dailyRollups).delete();
      await trx(T.rollupClients).delete();
      await trx(T.rollupCursor).where({ id: 1 }).update({ txn_id: 0, referral_id: 0, folded_at: this.deps.clock.now() });
    });
    let after = 0;
    for (;;) {
      const rows = asRows(await db(T.clicks).where('id', '>', after).orderBy('id').limit(5000).select('id', 'agent_id', 'created_at', 'source'));
      if (!rows.length) break;
      after = num(rows.at(-1)?.id);
      const clicks = rows.map((r) => ({ agent_id: num(r.agent_id), created_at: num(r.created_at), source: text(r.source), uid: '', ip: '', user_agent: '', referer: '' }));
      await inTransaction(db, (trx) => this.clicksWritten(trx, clicks));
    }
    await this.fold();
  }

  /** A program's zone and currency; `db` is the caller's transaction when it holds one (SQLite has one connection). */
  private async program(id: number, db?: Knex.Transaction): Promise<ProgramFacts> {
    const cached = this.facts.get(id);
    const now = this.deps.clock.now();
    if (cached && now - cached.at < 60_000) return cached.facts;
    const p = await this.deps.programs.get(id, db);
    const facts = { zone: p?.timezone ?? 'UTC', currency: p?.currency ?? '' };
    this.facts.set(id, { at: now, facts });
    return facts;
  }

  private async country(clientId: number): Promise<string> {
    if (clientId <= 0) return '';
    const c = await this.deps.host.getClient(clientId);
    const code = c?.country?.toUpperCase() ?? '';
    return /^[A-Z]{2}$/.test(code) ? code : '';
  }

  /** One batch of referrals and ledger transactions past the cursor; 0 when there were none. */
  private async foldBatch(): Promise<number> {
    const { db, clock, lagMs } = this.deps;
    const cursor = rowOrNull(await db(T.rollupCursor).where({ id: 1 }).first());
    if (!cursor) throw new Error('the roll-up cursor row is missing (migration 025)');
    const fromTxn = num(cursor.txn_id);
    const fromReferral = num(cursor.referral_id);
    const cutoff = clock.now() - lagMs;
    const settled = <R extends Record<string, unknown>>(rows: R[]) => {
      const young = rows.findIndex((r) => num(r.created_at) > cutoff);
      return young < 0 ? rows : rows.slice(0, young);
    };

    const referrals = settled(asRows(await db(T.referrals).where('id', '>', fromReferral).orderBy('id').limit(BATCH).select('id', 'agent_id', 'client_id', 'program_id', 'source', 'created_at')));
    const txns = settled(asRows(await db(T.txns).where('id', '>', fromTxn).orderBy('id').limit(BATCH).select('id', 'kind', 'commission_id', 'created_at')));
    if (!referrals.length && !txns.length) return 0;

    const entries = txns.length
      ? asRows(
          await db(T.entries)
            .whereIn(
              'txn_id',
              txns.map((t) => num(t.id)),
            )
            .where('agent_id', '>', 0)
            .select('txn_id', 'agent_id', 'account', 'currency', 'amount_minor'),
        )
      : [];
    const commissionIds = [
      ...new Set(
        txns
          .map((t) => t.commission_id)
          .filter((c) => c !== null)
          .map(num),
      ),
    ];
    const commissions = new Map<number, { clientId: number; programId: number }>();
    for (const r of commissionIds.length ? asRows(await db(T.commissions).whereIn('id', commissionIds).select('id', 'client_id', 'program_id')) : []) {
      commissions.set(num(r.id), { clientId: num(r.client_id), programId: num(r.program_id) });
    }
    const agentIds = [...new Set(entries.map((e) => num(e.agent_id)))];
    const agentProgram = new Map<number, number>();
    for (const r of agentIds.length ? asRows(await db(T.agents).whereIn('id', agentIds).select('id', 'program_id')) : []) agentProgram.set(num(r.id), num(r.program_id));

    // The clients these rows are about: their dims as stored, or as they will be once stored.
    const pairs = new Map<string, { agentId: number; clientId: number }>();
    const pairKey = (agentId: number, clientId: number) => `${agentId}:${clientId}`;
    for (const r of referrals) pairs.set(pairKey(num(r.agent_id), num(r.client_id)), { agentId: num(r.agent_id), clientId: num(r.client_id) });
    const txnById = new Map(txns.map((t) => [num(t.id), t]));
    for (const e of entries) {
      const txn = txnById.get(num(e.txn_id));
      const c = txn && txn.commission_id !== null ? commissions.get(num(txn.commission_id)) : undefined;
      if (c && c.clientId > 0) pairs.set(pairKey(num(e.agent_id), c.clientId), { agentId: num(e.agent_id), clientId: c.clientId });
    }
    const dims = new Map<string, ClientDims & { stored: boolean }>();
    const pairList = [...pairs.values()];
    for (let i = 0; i < pairList.length; i += 200) {
      const chunk = pairList.slice(i, i + 200);
      const rows = asRows(
        await db(T.rollupClients)
          .where((q) => {
            for (const p of chunk) void q.orWhere({ agent_id: p.agentId, client_id: p.clientId });
          })
          .select('agent_id', 'client_id', 'source', 'country', 'qualified', 'paying'),
      );
      for (const r of rows)
        dims.set(pairKey(num(r.agent_id), num(r.client_id)), { source: text(r.source), country: text(r.country), qualified: Boolean(num(r.qualified)), paying: Boolean(num(r.paying)), stored: true });
    }
    const referralSource = new Map<string, string>();
    for (const r of referrals) referralSource.set(pairKey(num(r.agent_id), num(r.client_id)), stringOrNull(r.source) ?? '');
    // Pairs seen for the first time: their referral's source in one query, their clients'
    // countries from the host side by side (each pair is stored once, then read from its row).
    const fresh = pairList.filter((p) => !dims.has(pairKey(p.agentId, p.clientId)));
    const unknownSource = fresh.filter((p) => !referralSource.has(pairKey(p.agentId, p.clientId)));
    if (unknownSource.length) {
      const refs = asRows(
        await db(T.referrals)
          .whereIn(
            'client_id',
            unknownSource.map((p) => p.clientId),
          )
          .select('agent_id', 'client_id', 'source'),
      );
      for (const r of refs) referralSource.set(pairKey(num(r.agent_id), num(r.client_id)), stringOrNull(r.source) ?? '');
    }
    const countries = await Promise.all(fresh.map((p) => this.country(p.clientId)));
    fresh.forEach((p, i) => {
      const k = pairKey(p.agentId, p.clientId);
      dims.set(k, { source: referralSource.get(k) ?? '', country: countries[i] ?? '', qualified: false, paying: false, stored: false });
    });

    const deltas: RollupDelta[] = [];
    for (const r of referrals) {
      const f = await this.program(num(r.program_id));
      const d = dims.get(pairKey(num(r.agent_id), num(r.client_id)));
      if (!d) continue;
      deltas.push({ agent_id: num(r.agent_id), program_id: num(r.program_id), source: d.source, country: d.country, day: dayIn(num(r.created_at), f.zone), currency: f.currency, signups: 1 });
    }
    for (const t of txns) {
      const kind = text(t.kind);
      if (kind === 'pay') continue;
      const commission = t.commission_id !== null ? commissions.get(num(t.commission_id)) : undefined;
      const net = new Map<string, { agentId: number; currency: string; amount: number; releasedIn: boolean }>();
      for (const e of entries) {
        if (num(e.txn_id) !== num(t.id) || !HELD.has(text(e.account))) continue;
        const k = `${num(e.agent_id)}:${text(e.currency)}`;
        const n = net.get(k) ?? { agentId: num(e.agent_id), currency: text(e.currency), amount: 0, releasedIn: false };
        n.amount += num(e.amount_minor);
        if (kind === 'release' && text(e.account) === 'available' && num(e.amount_minor) > 0) n.releasedIn = true;
        net.set(k, n);
      }
      for (const n of net.values()) {
        const programId = commission?.programId ?? agentProgram.get(n.agentId);
        if (programId === undefined) continue;
        const f = await this.program(programId);
        const clientId = commission?.clientId ?? 0;
        const d = clientId > 0 ? dims.get(pairKey(n.agentId, clientId)) : undefined;
        const key = { agent_id: n.agentId, program_id: programId, source: d?.source ?? '', country: d?.country ?? '', day: dayIn(num(t.created_at), f.zone), currency: n.currency };
        if (n.amount > 0) deltas.push({ ...key, earned_minor: n.amount });
        if (n.amount < 0) deltas.push({ ...key, reversed_minor: -n.amount });
        if (d && n.amount > 0 && kind === 'earn' && !d.qualified) {
          d.qualified = true;
          deltas.push({ ...key, qualified: 1 });
        }
        if (d && n.releasedIn && !d.paying) {
          d.paying = true;
          deltas.push({ ...key, paying: 1 });
        }
      }
    }

    const toTxn = num(txns.at(-1)?.id ?? fromTxn);
    const toReferral = num(referrals.at(-1)?.id ?? fromReferral);
    const moved = await inTransaction(db, async (trx) => {
      const now = rowOrNull(await trx(T.rollupCursor).where({ id: 1 }).forUpdate().first());
      if (!now || num(now.txn_id) !== fromTxn || num(now.referral_id) !== fromReferral) return false;
      await addRollups(trx, deltas);
      for (const [k, d] of dims) {
        const [agentId, clientId] = k.split(':').map(Number);
        const row = { source: d.source, country: d.country, qualified: d.qualified, paying: d.paying };
        if (d.stored) await trx(T.rollupClients).where({ agent_id: agentId, client_id: clientId }).update({ qualified: d.qualified, paying: d.paying });
        else await trx(T.rollupClients).insert({ agent_id: agentId, client_id: clientId, ...row });
      }
      await trx(T.rollupCursor).where({ id: 1 }).update({ txn_id: toTxn, referral_id: toReferral, folded_at: clock.now() });
      return true;
    });
    // Another fold moved the cursor first: what it folded is not folded again; read afresh.
    if (!moved) this.deps.logger.info('roll-up fold: the cursor moved meanwhile; reading again', {});
    return moved ? referrals.length + txns.length : this.foldBatch();
  }
}
