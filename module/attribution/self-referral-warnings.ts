import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { HostApi } from '../contract/host-api';
import type { Agent } from '../agents/agent-service';
import { asRows, text } from '../db/columns';
import { REVIEW_REASON } from './review-reasons';
import { sameMailbox } from './self-referral';

/**
 * The self-referral signs an admin is shown before assigning a client to an agent: the signs the
 * other paths read, as far as they can be read after the fact. The client's e-mail against the
 * agent's mailbox and the payment methods they share are asked of the host now; a browser is known
 * only at the moment it signs up or confirms, so a device sign counts through the review it left.
 */
export class SelfReferralWarnings {
  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'getClient' | 'paymentFingerprints'>,
  ) {}

  /** Each sign once, in a fixed order; none for a client that looks like anyone's but the agent's. */
  async of(agent: Agent, clientId: number): Promise<string[]> {
    const signs = new Set<string>();
    const [client, agentClient] = await Promise.all([this.host.getClient(clientId), this.host.getClient(agent.clientId)]);
    if (client && agentClient && sameMailbox(client.email, agentClient.email)) signs.add(REVIEW_REASON.email);
    const [theirs, agents] = await Promise.all([this.host.paymentFingerprints(clientId), this.host.paymentFingerprints(agent.clientId)]);
    if (theirs.some((f) => agents.includes(f))) signs.add(REVIEW_REASON.payment);
    for (const r of asRows(await this.db(T.referralReviews).where({ client_id: clientId, agent_id: agent.id }).orderBy('id').select('reason'))) signs.add(text(r.reason));
    return [...signs];
  }
}
