import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { HostApi, HostClientAccount } from '../contract/host-api';
import type { ServiceManagerService } from '../service-managers/service-manager-service';
import { minor, type Minor } from '../money/amount';
import { asRows, num, text } from '../db/columns';

export interface ManagedClient {
  clientId: number;
  name: string;
  company: string | null;
  since: number;
  /** What the client's invoices have earned the agent, still theirs, per currency. */
  earned: { currency: string; amount: Minor }[];
  account: HostClientAccount;
}

/** The clients who made the agent their service manager, with their services, latest invoices and what they earned the agent. */
export async function managedClients(
  db: Knex,
  host: Pick<HostApi, 'getClient' | 'clientAccount'>,
  serviceManagers: Pick<ServiceManagerService, 'clientsOf'>,
  agentId: number,
): Promise<ManagedClient[]> {
  const grants = await serviceManagers.clientsOf(agentId);
  if (!grants.length) return [];
  const rows = await db(T.commissions)
    .where({ agent_id: agentId })
    .whereIn(
      'client_id',
      grants.map((g) => g.clientId),
    )
    .whereNot('status', 'rejected')
    .groupBy('client_id', 'currency')
    .select('client_id', 'currency', db.raw('SUM(amount_minor - adjusted_minor) as s'));
  const sums = asRows(rows).map((r) => ({ clientId: num(r.client_id), currency: text(r.currency), amount: minor(r.s) }));
  const out: ManagedClient[] = [];
  for (const g of grants) {
    const c = await host.getClient(g.clientId);
    out.push({
      clientId: g.clientId,
      name: c ? `${c.firstname} ${c.lastname}` : `#${g.clientId}`,
      company: c?.companyname ?? null,
      since: g.grantedAt,
      earned: sums.filter((r) => r.clientId === g.clientId).map(({ currency, amount }) => ({ currency, amount })),
      account: await host.clientAccount(g.clientId, 5),
    });
  }
  return out;
}
