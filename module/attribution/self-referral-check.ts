import type { HostApi } from '../contract/host-api';
import type { Logger } from '../core/logger';
import type { Agent } from '../agents/agent-service';
import type { AgentDevices } from './agent-devices';
import { REVIEW_REASON } from './review-reasons';
import { sameMailbox } from './self-referral';
import type { SelfReferralService } from './self-referral-service';

/** A self-referral is refused outright, or let through with the reason it waits for review. */
export type SelfReferral = 'reject' | { flag: string } | null;

/**
 * Self-referral at sign-up or checkout: the agent's own account is refused whatever the setting;
 * the agent's mailbox, or a browser that carries a device cookie the agent has used, as
 * `self_referral` says.
 */
export class SelfReferralCheck {
  constructor(
    private readonly host: Pick<HostApi, 'getClient'>,
    private readonly devices: Pick<AgentDevices, 'isAgentDevice'>,
    private readonly selfReferral: Pick<SelfReferralService, 'mode'>,
    private readonly logger: Logger,
  ) {}

  async verdict(agent: Agent, clientId: number, email: string | undefined, cookies: Record<string, string | undefined>): Promise<SelfReferral> {
    if (agent.clientId === clientId) {
      this.logger.warn('self-referral not attributed', { agentId: agent.id, clientId });
      return 'reject';
    }
    let reason: string | null = null;
    if (email) {
      const agentClient = await this.host.getClient(agent.clientId);
      if (agentClient && sameMailbox(agentClient.email, email)) reason = REVIEW_REASON.email;
    }
    if (!reason && (await this.devices.isAgentDevice(cookies, agent.id))) reason = REVIEW_REASON.device;
    if (!reason) return null;
    if ((await this.selfReferral.mode()) === 'reject') {
      this.logger.warn(`self-referral not attributed: ${reason}`, { agentId: agent.id, clientId });
      return 'reject';
    }
    return { flag: reason };
  }
}
