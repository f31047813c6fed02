import type { Core } from '../agenttools';
import { T } from '../db/tables';
import { RuleError } from '../core/errors';
import type { HostClient } from '../contract/host-api';
import { renderEmail } from '../notifications/email-template';

/** Clients with no agent, newest first: what an admin assigns from the admin page. */
export async function unassignedClients(core: Core, limit = 50): Promise<HostClient[]> {
  const clients = (await core.host.listClients(limit * 4)).filter((c) => c.status !== 'Closed');
  if (!clients.length) return [];
  const ids = clients.map((c) => c.id);
  const taken = new Set<number>([
    ...(await core.db(T.referrals).whereIn('client_id', ids).whereNull('ended_at').pluck('client_id')).map(Number),
    ...(await core.db(T.agents).whereIn('client_id', ids).pluck('client_id')).map(Number),
  ]);
  return clients.filter((c) => !taken.has(c.id)).slice(0, limit);
}

/**
 * An admin assigns a client to an agent, optionally as the client's service manager (which the
 * client can still revoke), and optionally tells both by e-mail from the editable templates.
 */
export async function adminAssign(
  core: Core,
  input: { clientId: number; agentId: number; serviceManager: boolean; email: boolean; reason: string },
  admin: string,
): Promise<void> {
  const agent = await core.agents.get(input.agentId);
  if (!agent) throw new RuleError(`agent ${input.agentId} does not exist`, 'to_agent');
  const [client, agentClient] = await Promise.all([core.host.getClient(input.clientId), core.host.getClient(agent.clientId)]);
  if (!client) throw new RuleError(`client ${input.clientId} does not exist`, 'client_id');
  if (!agentClient) throw new RuleError(`agent ${input.agentId} has no client account`, 'to_agent');
  if (!input.serviceManager) {
    if (input.email) throw new RuleError('the e-mails introduce a service manager: tick that box too, or leave this one', 'email');
    await core.attribution.assign(input.clientId, input.agentId, admin, input.reason);
    return;
  }
  await core.serviceManagers.grant(input.clientId, input.agentId, `admin:${admin}`, true);
  if (!input.email) return;
  const data = {
    client: { name: `${client.firstname} ${client.lastname}`, email: client.email },
    agent: { name: `${agentClient.firstname} ${agentClient.lastname}`, email: agentClient.email, phone: agentClient.phonenumber ?? '' },
  };
  for (const [to, name] of [
    [client.email, 'service-manager-assigned-client'],
    [agentClient.email, 'service-manager-assigned-agent'],
  ] as const) {
    const mail = await renderEmail(name, core.language, data);
    await core.host.sendEmail({ to, subject: mail.subject, text: mail.text });
  }
}
