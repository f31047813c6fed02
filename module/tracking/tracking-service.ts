import type { Clock } from '../core/clock';
import type { AgentLinkCache } from './agent-cache';
import type { ClickRecorder } from './click-recorder';
import { isBot } from './bots';
import { ClickDedupe, type CountedClick } from './click-dedupe';
import { clickSource, DEFAULT_SOURCE } from './source';
import { newClickUid, type ReferralCookie, type ReferralMark } from './referral-cookie';

const DAY_MS = 86_400_000;

export interface VisitorInfo {
  ip: string;
  userAgent: string;
  referer: string;
  /** The referral cookie the visitor already carries, if any. */
  referralCookie?: string;
}

export interface ClickOutcome {
  /** The cookie to set, or null: no active agent, a bot, or an earlier click's cookie stays. */
  cookie: { value: string; maxAgeMs: number } | null;
  /** Why nothing was stored, when nothing was; for logs and tests. */
  skipped?: 'unknown-agent' | 'bot' | 'repeat';
}

/**
 * The referral link: count the click and hand back the cookie, without waiting for a write.
 * Bots are not counted; a visitor's repeat within the dedupe window is folded into the click
 * that counted, whose cookie it gets again, so that a referral always names a stored click.
 */
export class TrackingService {
  constructor(
    private readonly cache: AgentLinkCache,
    private readonly recorder: ClickRecorder,
    private readonly cookies: ReferralCookie,
    private readonly clock: Clock,
    private readonly dedupe = new ClickDedupe(),
  ) {}

  async click(rawAgentId: unknown, visitor: VisitorInfo, rawSource?: unknown): Promise<ClickOutcome> {
    if (typeof rawAgentId !== 'string' || !/^[1-9]\d{0,9}$/.test(rawAgentId)) return { cookie: null, skipped: 'unknown-agent' };
    const agentId = Number(rawAgentId);
    const now = this.clock.now();
    const target = await this.cache.lookup(agentId);
    if (!target) return { cookie: null, skipped: 'unknown-agent' };
    // Stored truncated, and only ever shown escaped: these are the visitor's to write.
    const ip = visitor.ip.slice(0, 45);
    const userAgent = visitor.userAgent.slice(0, 255);
    if (isBot(userAgent)) return { cookie: null, skipped: 'bot' };

    const maxAgeMs = target.cookieDays * DAY_MS;
    const live = this.cookies.read(visitor.referralCookie, now, maxAgeMs);
    const ownCookie = live && live.agentId === agentId ? live : null;
    // First click wins: a live cookie from an earlier click stays, though this click is counted.
    const keep = target.firstClick && live !== null;

    // A cookie of this agent's set within the window is itself the proof of a counted click (it
    // is signed, and names the click that counted), so most repeats need no memory at all.
    if (ownCookie && now - ownCookie.clickedAt < this.dedupe.windowMs) return { cookie: null, skipped: 'repeat' };
    const key = ownCookie ? ClickDedupe.cookieKey(agentId, ownCookie.clickUid) : ClickDedupe.addressKey(agentId, ip, userAgent);
    const earlier = this.dedupe.find(key, now);
    if (earlier) return { cookie: keep || ownCookie ? null : this.cookieFor(agentId, earlier, maxAgeMs), skipped: 'repeat' };

    const counted: CountedClick = { uid: newClickUid(), clickedAt: now, source: clickSource(rawSource) };
    this.recorder.record({ agent_id: agentId, uid: counted.uid, created_at: now, ip, user_agent: userAgent, referer: visitor.referer.slice(0, 255), source: counted.source });
    // Remembered under the key this visitor was known by; from their next click on, the new
    // cookie (clickedAt = now) says it by itself. A first-click program keeps the older cookie,
    // so there the memory under its key is what catches the repeat.
    this.dedupe.remember(key, counted, now);
    return { cookie: keep ? null : this.cookieFor(agentId, counted, maxAgeMs) };
  }

  private cookieFor(agentId: number, click: CountedClick, maxAgeMs: number): { value: string; maxAgeMs: number } {
    const mark: ReferralMark = { agentId, clickUid: click.uid, clickedAt: click.clickedAt };
    if (click.source !== DEFAULT_SOURCE) mark.source = click.source;
    return { value: this.cookies.sign(mark), maxAgeMs };
  }
}
