import type { Clock } from '../core/clock';
import type { AgentLinkCache } from './agent-cache';
import type { ClickRecorder } from './click-recorder';
import { newClickUid, type ReferralCookie } from './referral-cookie';

const DAY_MS = 86_400_000;

export interface VisitorInfo {
  ip: string;
  userAgent: string;
  referer: string;
}

export interface ClickOutcome {
  /** The cookie to set, or null when the id did not name an active agent. */
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
    this.recorder.record({
      agent_id: agentId,
      uid,
      created_at: now,
      ip: visitor.ip.slice(0, 45),
      user_agent: visitor.userAgent.slice(0, 255),
      referer: visitor.referer.slice(0, 255),
    });
    return { cookie: { value: this.cookies.sign({ agentId, clickUid: uid, clickedAt: now }), maxAgeMs: target.cookieDays * DAY_MS } };
  }
}
