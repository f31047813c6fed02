import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { CacheLimits } from '../core/loading-cache';
import { referralCodeText } from '../agents';
import { AgentKeyCache } from './agent-key-cache';

/**
 * Which agent a referral code names, for the canonical short link /r/<code>, read as a person
 * types it. A code is given once, when the agent is made, and never changes, so it hears of no
 * change; whether the agent may still be followed (blocked, closed) is the click's own check, by id.
 */
export class CodeCache extends AgentKeyCache {
  constructor(db: Knex, clock: Clock, limits: CacheLimits = {}) {
    super(db, clock, 'referral_code', (raw) => referralCodeText.safeParse(raw).data ?? null, {}, limits);
  }
}
