import type { Knex } from 'knex';
import { z } from 'zod';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { errorMessage } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { AgentService } from '../agents/agent-service';
import type { ProgramService } from '../programs/program-service';
import { asRows, num, numberOrNull, oneOf, rowOrNull, stringOrNull, text } from '../db/columns';
import { inTransaction } from '../db/transaction';
import { PAYOUT_METHOD_KINDS, type PayoutDetails, type PayoutMethodKind, type PayoutMethodReader } from './payout-method';
import { PayoutCipher, type PayoutKeys } from './payout-cipher';
import { maskPayoutDetails, parsePayoutDetails } from './payout-details';

/** Renders an e-mail; given the recipient's client id, in the language they read the module in. */
type RenderEmail = (template: string, data: Record<string, unknown>, recipientClientId?: number) => Promise<{ subject: string; text: string }>;

/** What a page shows of an agent's method: never the details themselves. */
export interface PayoutMethodView {
  kind: PayoutMethodKind;
  masked: string;
  updatedAt: number;
}

/** One change of an agent's method, as the log keeps it. */
export interface PayoutMethodChange {
  id: number;
  userId: number | null;
  adminId: number | null;
  oldKind: PayoutMethodKind | null;
  oldMasked: string | null;
  newKind: PayoutMethodKind;
  newMasked: string;
  ip: string;
  createdAt: number;
}

/** Who changes a method: the agent's own user (client area) or an admin, and from where. */
export interface PayoutMethodActor {
  userId?: number | null;
  adminId?: number | null;
  ip: string;
}

export interface PayoutMethodDeps {
  db: Knex;
  keys: Pick<PayoutKeys, 'cipher'>;
  agents: Pick<AgentService, 'get'>;
  programs: Pick<ProgramService, 'get'>;
  host: Pick<HostApi, 'getClient' | 'sendEmail'>;
  render: RenderEmail;
  clock: Clock;
  logger: Logger;
}

const detailsSchema: z.ZodType<PayoutDetails> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bank'), holder: z.string(), iban: z.string().nullable(), accountNumber: z.string().nullable(), bankCode: z.string().nullable() }),
  z.object({ kind: z.literal('mpesa'), phone: z.string() }),
  z.object({ kind: z.literal('paypal'), email: z.string() }),
  z.object({ kind: z.literal('credit') }),
]);

/** Sealed for this agent only: a ciphertext moved to another agent's row does not open. */
const context = (agentId: number) => `agenttools-payout-method:${agentId}`;

/**
 * Each agent's payout method: one of those their program allows, the details sealed at rest
 * (payout-cipher.ts) beside their masked form. A change is logged (who, when, old → new masked,
 * from which address) in the transaction that makes it, then e-mailed to the agent. Batches read
 * the details decrypted through `forAgent` (PayoutMethodReader); a row sealed with an older key
 * is sealed again with the current one when it is read or by `resealAll` (a key rotation).
 */
export class PayoutMethodService implements PayoutMethodReader {
  constructor(private readonly d: PayoutMethodDeps) {}

  /** The kinds the agent's program pays by, in the program's order. */
  async allowedFor(agentId: number): Promise<PayoutMethodKind[]> {
    const agent = await this.d.agents.get(agentId);
    const program = agent ? await this.d.programs.get(agent.programId) : null;
    return program ? [...program.def.payout.methods] : [];
  }

  async view(agentId: number): Promise<PayoutMethodView | null> {
    const row = rowOrNull(await this.d.db(T.payoutMethods).where({ agent_id: agentId }).first('kind', 'masked', 'updated_at'));
    return row ? { kind: oneOf(PAYOUT_METHOD_KINDS, row.kind), masked: text(row.masked), updatedAt: num(row.updated_at) } : null;
  }

  async forAgent(agentId: number): Promise<PayoutDetails | null> {
    const row = rowOrNull(await this.d.db(T.payoutMethods).where({ agent_id: agentId }).first('details_enc'));
    if (!row) return null;
    const sealed = text(row.details_enc);
    const cipher = await this.d.keys.cipher();
    const details = detailsSchema.parse(JSON.parse(cipher.open(sealed, context(agentId))));
    if (PayoutCipher.keyOf(sealed) !== cipher.currentId) await this.reseal(agentId, sealed, details, cipher);
    return details;
  }

  /**
   * Records the agent's new method from the form's values (kind, holder, iban, account_number,
   * bank_code, phone, email). Unchanged details change nothing and tell no one.
   */
  async save(agentId: number, values: Record<string, string | undefined>, by: PayoutMethodActor): Promise<PayoutMethodView> {
    const details = parsePayoutDetails(values, await this.allowedFor(agentId));
    if (JSON.stringify(await this.forAgent(agentId)) === JSON.stringify(details)) {
      const same = await this.view(agentId);
      if (same) return same;
    }
    const cipher = await this.d.keys.cipher();
    const masked = maskPayoutDetails(details);
    const now = this.d.clock.now();
    const sealed = cipher.seal(JSON.stringify(details), context(agentId));
    const old = await inTransaction(this.d.db, async (trx) => {
      const before = rowOrNull(await trx(T.payoutMethods).where({ agent_id: agentId }).forUpdate().first('kind', 'masked'));
      const row = { kind: details.kind, details_enc: sealed, key_id: cipher.currentId, masked, updated_at: now };
      await trx(T.payoutMethods)
        .insert({ agent_id: agentId, ...row })
        .onConflict('agent_id')
        .merge(row);
      await trx(T.payoutMethodLog).insert({
        agent_id: agentId,
        user_id: by.userId ?? null,
        admin_id: by.adminId ?? null,
        old_kind: before ? text(before.kind) : null,
        old_masked: before ? text(before.masked) : null,
        new_kind: details.kind,
        new_masked: masked,
        ip: by.ip.slice(0, 45),
        created_at: now,
      });
      return before ? { kind: oneOf(PAYOUT_METHOD_KINDS, before.kind), masked: text(before.masked) } : null;
    });
    await this.tell(agentId, old, { kind: details.kind, masked }, by.ip, now);
    return { kind: details.kind, masked, updatedAt: now };
  }

  /** The agent's changes, newest first. */
  async history(agentId: number, limit = 20): Promise<PayoutMethodChange[]> {
    const rows = asRows(await this.d.db(T.payoutMethodLog).where({ agent_id: agentId }).orderBy('id', 'desc').limit(limit));
    return rows.map((r) => ({
      id: num(r.id),
      userId: numberOrNull(r.user_id),
      adminId: numberOrNull(r.admin_id),
      oldKind: r.old_kind === null ? null : oneOf(PAYOUT_METHOD_KINDS, r.old_kind),
      oldMasked: stringOrNull(r.old_masked),
      newKind: oneOf(PAYOUT_METHOD_KINDS, r.new_kind),
      newMasked: text(r.new_masked),
      ip: text(r.ip),
      createdAt: num(r.created_at),
    }));
  }

  /** After a key rotation: seals every row not under the current key again; how many were. */
  async resealAll(batch = 500): Promise<number> {
    const cipher = await this.d.keys.cipher();
    let done = 0;
    let after = 0;
    for (;;) {
      const rows = asRows(await this.d.db(T.payoutMethods).whereNot({ key_id: cipher.currentId }).where('agent_id', '>', after).orderBy('agent_id').limit(batch).select('agent_id', 'details_enc'));
      if (!rows.length) return done;
      for (const r of rows) {
        const agentId = num(r.agent_id);
        after = agentId;
        const sealed = text(r.details_enc);
        const details = detailsSchema.parse(JSON.parse(cipher.open(sealed, context(agentId))));
        if (await this.reseal(agentId, sealed, details, cipher)) done++;
      }
    }
  }

  /** Only if the row still holds what was read: a change saved meanwhile is newer and stands. */
  private async reseal(agentId: number, sealed: string, details: PayoutDetails, cipher: PayoutCipher): Promise<boolean> {
    const changed = await this.d
      .db(T.payoutMethods)
      .where({ agent_id: agentId, details_enc: sealed })
      .update({ details_enc: cipher.seal(JSON.stringify(details), context(agentId)), key_id: cipher.currentId });
    return changed === 1;
  }

  /** After the commit: a failed e-mail is logged and does not undo the change. */
  private async tell(agentId: number, old: { kind: PayoutMethodKind; masked: string } | null, next: { kind: PayoutMethodKind; masked: string }, ip: string, at: number): Promise<void> {
    try {
      const agent = await this.d.agents.get(agentId);
      const client = agent ? await this.d.host.getClient(agent.clientId) : null;
      if (!client) return;
      // The methods' names and the time are worded by the template, in the agent's language.
      const mail = await this.d.render(
        'payout-method-changed',
        {
          client: { name: `${client.firstname} ${client.lastname}`.trim() },
          old: old ? { kind: old.kind, masked: old.masked || '—' } : null,
          next: { kind: next.kind, masked: next.masked || '—' },
          at,
          ip,
        },
        client.id,
      );
      await this.d.host.sendEmail({ to: client.email, subject: mail.subject, text: mail.text });
    } catch (e) {
      this.d.logger.error('payout method e-mail failed', { agentId, error: errorMessage(e) });
    }
  }
}
