import type { Agent, AgentService } from '../agents/agent-service';
import type { ProgramService } from '../programs/program-service';
import type { ReferralCookie } from '../tracking';
import { DEFAULT_SOURCE } from '../tracking';
import { referralCodeText } from '../agents';
import { UNFIT, type FormField } from '../contract/hooks';
import type { DomainMatch, DomainService } from './domain-service';

const DAY_MS = 86_400_000;

/** Who a sign-up or an order would go to, and by which evidence. */
export interface Claim {
  agent: Agent;
  clickUid: string | null;
  clickedAt: number | null;
  source: string | null;
  /** 'code', 'domain', or the program's click rule ('last_click', 'first_click') when null. */
  rule: string | null;
  evidence: string | null;
}

/** Beside a referral code that names no active agent. */
export const UNKNOWN_CODE = 'There is no agent with this referral code. Check it, or leave the field empty.';

/** The evidence that names an agent: a typed referral code, a registered domain, the referral cookie. */
export class ReferralClaims {
  constructor(
    private readonly agents: Pick<AgentService, 'get' | 'byReferralCode'>,
    private readonly programs: Pick<ProgramService, 'get'>,
    private readonly cookies: ReferralCookie,
    private readonly domains: Pick<DomainService, 'match' | 'matchEmail'>,
  ) {}

  async byCode(raw: string | undefined): Promise<Claim | null> {
    if (!raw) return null;
    const code = referralCodeText.safeParse(raw);
    const agent = code.success ? await this.agents.byReferralCode(code.data) : null;
    return agent ? { agent, clickUid: null, clickedAt: null, source: null, rule: 'code', evidence: `code ${code.data}` } : null;
  }

  /** The agent who registered the domain of a sign-up's e-mail address. */
  async byEmail(email: string | undefined): Promise<Claim | null> {
    return fromDomain(await this.domains.matchEmail(email));
  }

  /** The agent who registered the domain an order registers. */
  async byDomain(domain: string | undefined): Promise<Claim | null> {
    return fromDomain(await this.domains.match(domain));
  }

  async byCookie(cookie: string | undefined, now: number): Promise<Claim | null> {
    // The cookie's own age is checked against the longest lifetime any program allows here,
    // then against the agent's program below.
    const mark = this.cookies.read(cookie, now, 3650 * DAY_MS);
    if (!mark) return null;
    const agent = await this.agents.get(mark.agentId);
    if (!agent || agent.status !== 'active') return null;
    const program = await this.programs.get(agent.programId);
    if (!program || now - mark.clickedAt > program.cookieDays * DAY_MS) return null;
    return { agent, clickUid: mark.clickUid, clickedAt: mark.clickedAt, source: mark.source ?? DEFAULT_SOURCE, rule: null, evidence: null };
  }

  /** True when the code names an active agent: the host asks before it creates the client. */
  async isKnownCode(raw: string): Promise<boolean> {
    return (await this.byCode(raw)) !== null;
  }

  /**
   * What a sign-up or order form says beside its "Referral code" field: nothing when it is empty
   * or an active agent's code. One too long to be any code, or not text at all, names no agent
   * either: it is refused like a typo, not by the hook failing (which would let it through).
   */
  async typedCodeError(code: FormField): Promise<string | null> {
    if (code !== UNFIT && (!code?.trim() || (await this.isKnownCode(code)))) return null;
    return UNKNOWN_CODE;
  }
}

function fromDomain(match: DomainMatch | null): Claim | null {
  return match ? { agent: match.agent, clickUid: null, clickedAt: null, source: null, rule: 'domain', evidence: `domain ${match.domain}` } : null;
}
