import type { Knex } from 'knex';
import { referralCodeText } from '../agents/referral-code';
import { AgentKeyCache } from './agent-key-cache';

/**
 * Which agent a referral code names, for the canonical short link /r/<code>, read as a person
 * types it. A code is given once, when the agent is made, and never changes, so nothing drops
 * it; whether the agent may still be followed (blocked, closed) is the click's own check, by id.
 */
export class CodeCache extends AgentKeyCache {
  constructor(db: Knex, ttlMs = 30_000, maxEntries = 100_000) {
    super(db, 'referral_code', (raw) => referralCodeText.safeParse(raw).data ?? null, {}, ttlMs, maxEntries);
  }
}
