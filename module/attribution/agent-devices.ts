import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { DEVICE_COOKIE, type DeviceCookie } from './device-cookie';

/**
 * The browsers agents use for their own agent pages, so that a sign-up or a checkout from one of
 * them is known for a self-referral. The agent's pages give the cookie (agent-device-pages.ts);
 * this keeps the record and answers for it.
 */
export class AgentDevices {
  constructor(
    private readonly db: Knex,
    private readonly cookie: DeviceCookie,
    private readonly clock: Clock,
  ) {}

  /** The agent used this device now: two years of evidence run from the last visit, not the first. */
  async record(device: string, agentId: number): Promise<void> {
    await this.db(T.agentDevices).insert({ device, agent_id: agentId, seen_at: this.clock.now() }).onConflict(['device', 'agent_id']).merge(['seen_at']);
  }

  /** True when the browser's cookies name a device the agent has used; a forged cookie names none. */
  async isAgentDevice(cookies: Record<string, string | undefined>, agentId: number): Promise<boolean> {
    const device = this.cookie.read(cookies[DEVICE_COOKIE]);
    return device !== null && !!(await this.db(T.agentDevices).where({ device, agent_id: agentId }).first());
  }
}
