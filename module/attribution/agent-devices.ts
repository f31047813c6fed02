import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { AgentService } from '../agents/agent-service';
import { liveSignIn } from '../sign-in/sign-in-guard';
import { DEVICE_COOKIE, DEVICE_COOKIE_MS, type DeviceCookie } from './device-cookie';
import { readCookie } from '../http/cookie-header';

/**
 * The browsers agents use for their own agent pages, so that a sign-up or a checkout from one of
 * them is known for a self-referral. Only the agent's own session counts: while an agent is
 * signed in as a client, the browser is the agent's but the pages are the client's.
 */
export class AgentDevices {
  constructor(
    private readonly db: Knex,
    private readonly agents: AgentService,
    private readonly cookie: DeviceCookie,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** On an agent page: give the browser its device cookie (or renew it) and record it as the agent's. */
  async remember(req: Request, res: Response, clientId: number): Promise<void> {
    if (liveSignIn(res)) return;
    try {
      const agent = await this.agents.byClient(clientId);
      if (!agent) return;
      const sent = readCookie(req.headers.cookie, DEVICE_COOKIE);
      const known = this.cookie.read(sent);
      const { device, value } = known ? { device: known, value: sent! } : this.cookie.issue();
      await this.db(T.agentDevices).insert({ device, agent_id: agent.id, seen_at: this.clock.now() }).onConflict(['device', 'agent_id']).merge(['seen_at']);
      // Set again each time: two years from the agent's last visit, not their first.
      res.cookie(DEVICE_COOKIE, value, { maxAge: DEVICE_COOKIE_MS, httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
    } catch (e) {
      // Evidence for later, not a reason to refuse the agent their page.
      this.logger.error('agent device not recorded', { clientId, error: (e as Error).message });
    }
  }

  /** True when the browser's cookie names a device the agent has used; a forged cookie names none. */
  async isAgentDevice(cookies: Record<string, string | undefined>, agentId: number): Promise<boolean> {
    const device = this.cookie.read(cookies[DEVICE_COOKIE]);
    return device !== null && !!(await this.db(T.agentDevices).where({ device, agent_id: agentId }).first());
  }
}
