import type { Knex } from 'knex';
import { T } from '../db/tables';
import { referralFromRow, type Referral } from '../attribution/assignment-service';
import { clickFromRow, type ClickRow } from './recent-clicks';
import { asRows, num, numberOrNull, rowOrNull, text } from '../db/columns';

/** What the admin sees of how a client was attributed: the referral, what won it, and its history. */
export interface ReferralDetails {
  referral: Referral | null;
  /** The stored click that won, found by its agent and time (the clicks index) and its uid. */
  click: (ClickRow & { uid: string }) | null;
  /** fact: the referral (who earns) or the service manager (who acts), each with its own lines. */
  log: { at: number; fact: string; orderId: number | null; fromAgentId: number | null; toAgentId: number | null; reason: string; actor: string }[];
}

export async function referralDetails(db: Knex, clientId: number): Promise<ReferralDetails> {
  const row = rowOrNull(await db(T.referrals).where({ client_id: clientId }).first());
  const referral = row ? referralFromRow(row) : null;
  let click: ReferralDetails['click'] = null;
  if (referral?.clickUid && referral.clickedAt !== null) {
    const c = rowOrNull(await db(T.clicks).where({ agent_id: referral.agentId, created_at: referral.clickedAt, uid: referral.clickUid }).first());
    if (c) click = { ...clickFromRow(c), uid: text(c.uid) };
  }
  const log = asRows(await db(T.assignmentLog).where({ client_id: clientId }).orderBy('id', 'desc').limit(100)).map((r) => ({
    at: num(r.created_at),
    fact: text(r.fact),
    orderId: numberOrNull(r.order_id),
    fromAgentId: numberOrNull(r.from_agent_id),
    toAgentId: numberOrNull(r.to_agent_id),
    reason: text(r.reason),
    actor: text(r.actor),
  }));
  return { referral, click, log };
}
