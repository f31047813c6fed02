import type { Knex } from 'knex';
import { T } from '../db/tables';
import { referralFromRow, type Referral } from '../attribution/attribution-service';
import { clickFromRow, type ClickRow } from './recent-clicks';
import { numberOrNull } from '../db/columns';

/** What the admin sees of how a client was attributed: the referral, what won it, and its history. */
export interface ReferralDetails {
  referral: Referral | null;
  /** The stored click that won, found by its agent and time (the clicks index) and its uid. */
  click: (ClickRow & { uid: string }) | null;
  log: { at: number; orderId: number | null; fromAgentId: number | null; toAgentId: number | null; reason: string; actor: string }[];
}

export async function referralDetails(db: Knex, clientId: number): Promise<ReferralDetails> {
  const row = await db(T.referrals).where({ client_id: clientId }).first();
  const referral = row ? referralFromRow(row) : null;
  let click: ReferralDetails['click'] = null;
  if (referral?.clickUid && referral.clickedAt !== null) {
    const c = await db(T.clicks).where({ agent_id: referral.agentId, created_at: referral.clickedAt, uid: referral.clickUid }).first();
    if (c) click = { ...clickFromRow(c), uid: String(c.uid) };
  }
  const log = (await db(T.assignmentLog).where({ client_id: clientId }).orderBy('id', 'desc').limit(100)).map((r) => ({
    at: Number(r.created_at),
    orderId: numberOrNull(r.order_id),
    fromAgentId: numberOrNull(r.from_agent_id),
    toAgentId: numberOrNull(r.to_agent_id),
    reason: String(r.reason),
    actor: String(r.actor),
  }));
  return { referral, click, log };
}
