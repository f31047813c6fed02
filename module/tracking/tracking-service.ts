import type { Clock } from '../core/clock';
import type { AgentLinkCache } from './agent-cache';
import type { ClickRecorder } from './click-recorder';
import { newClickUid, type ReferralCookie } from './referral-cookie';

const DAY_MS = 86_400_000;

export interface VisitorInfo {
  ip: string;
  userAgent: string;
  referer: string;
  /** The referral cookie the visitor already carries, if any. */
  referralCookie?: string;
}

export interface ClickOutcome {
  /** The cookie to set, or null: the id named no active agent, or an earlier click's cookie stays. */
  cookie: { value: string; maxAgeMs: number } | null;
}

/** The referral link: count the click and hand back the cookie, without waiting for a write. */
export class TrackingService {
  constructor(
    private readonly cache: AgentLinkCache,
    private readonly recorder: ClickRecorder,
    private readonly cookies: ReferralCookie,
    private readonly clock: Clock,
  ) {}

  async click(rawAgentId: unknown, visitor: VisitorInfo): Promise<ClickOutcome> {
    if (typeof rawAgentId !== 'string' || !/^[1-9]\d{0,9}$/.test(rawAgentId)) return { cookie: null };
    const agentId = Number(rawAgentId);
    const now = this.clock.now();
    const target = await this.cache.lookup(agentId, now);
    if (!target) return { cookie: null };
    const uid = newClickUid();
    // First click wins: a live cookie from an earlier click stays, though this click is counted.
    const keep = target.firstClick && this.cookies.read(visitor.referralCookie, now, target.cookieDays * DAY_MS);
    this.recorder.record({
      agent_id: agentId,
      uid,
      created_at: now,
      ip: visitor.ip.slice(0, 45),
      user_agent: visitor.userAgent.slice(0, 255),
      referer: visitor.referer.slice(0, 255),
    });
    if (keep) return { cookie: null };
    return { cookie: { value: this.cookies.sign({ agentId, clickUid: uid, clickedAt: now }), maxAgeMs: target.cookieDays * DAY_MS } };
  }
}
