import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { num, rowOrNull } from '../db/columns';

/** What an agent shows on their service-manager offer page besides name and company. */
export interface PublishedContact {
  email: boolean;
  phone: boolean;
}

/**
 * The agent's choice to publish their e-mail and phone. The offer page is open to every signed-in
 * client, so nothing is published until the agent says so.
 */
export class AgentContactService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async get(agentId: number): Promise<PublishedContact> {
    const row = rowOrNull(await this.db(T.agentContact).where({ agent_id: agentId }).first());
    // SQLite and MariaDB both answer a boolean column with 0 or 1.
    return row ? { email: num(row.publish_email) === 1, phone: num(row.publish_phone) === 1 } : { email: false, phone: false };
  }

  async set(agentId: number, publish: PublishedContact): Promise<void> {
    const row = { publish_email: publish.email, publish_phone: publish.phone, updated_at: this.clock.now() };
    await this.db(T.agentContact)
      .insert({ agent_id: agentId, ...row })
      .onConflict('agent_id')
      .merge(row);
  }
}
