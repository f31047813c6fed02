import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { isUniqueViolation } from '../core/errors';
import type { HostApi, HostClient } from '../contract/host-api';
import type { Agent, AgentService } from '../agents/agent-service';
import type { AssignmentService } from '../attribution/assignment-service';
import type { ServiceManagerService } from '../service-managers/service-manager-service';
import { CLIENT_AREA } from '../http/paths';
import { renderEmail } from './email-template';

/** What an agent hears about: each names the order, invoice or service it is about. */
export type AgentEvent = 'order' | 'invoice_paid' | 'invoice_overdue' | 'service_suspended';

const fullName = (c: Pick<HostClient, 'firstname' | 'lastname'>) => `${c.firstname} ${c.lastname}`.trim();

/**
 * E-mails an agent about the clients they look after: the client's service manager and the agent
 * the client is assigned to (usually one and the same; both hear when they differ). Each e-mail is
 * sent at most once per event, agent and subject (a unique key); a failed send is logged and kept,
 * and never reaches the host's operation that caused the event.
 */
export class NotificationService {
  constructor(
    private readonly db: Knex,
    private readonly host: HostApi,
    private readonly agents: AgentService,
    private readonly serviceManagers: ServiceManagerService,
    private readonly assignments: AssignmentService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** The language a client or agent reads the module in: each e-mail is in its recipient's. */
    private readonly languageOf: (clientId: number) => Promise<string>,
  ) {}

  async orderPlaced(orderId: number, invoiceId: number, clientId: number): Promise<void> {
    const invoice = await this.host.getInvoice(invoiceId);
    if (!invoice) return this.logger.warn('order notification: no such invoice', { orderId, invoiceId });
    await this.notify('order', orderId, clientId, 'order-placed', { order: { id: orderId }, invoice });
  }

  async invoicePaid(invoiceId: number): Promise<void> {
    await this.aboutInvoice('invoice_paid', 'invoice-paid', invoiceId);
  }

  async invoiceOverdue(invoiceId: number): Promise<void> {
    await this.aboutInvoice('invoice_overdue', 'invoice-overdue', invoiceId);
  }

  async serviceSuspended(serviceId: number, clientId: number, productId: number): Promise<void> {
    const product = await this.host.getProduct(productId);
    await this.notify('service_suspended', serviceId, clientId, 'service-suspended', { service: { id: serviceId, product: product?.name ?? `#${productId}` } });
  }

  /** An admin made the agent the client's service manager: each is introduced to the other. */
  async serviceManagerAssigned(client: HostClient, agentClient: HostClient): Promise<void> {
    const data = {
      client: { name: fullName(client), email: client.email },
      agent: { name: fullName(agentClient), email: agentClient.email, phone: agentClient.phonenumber ?? '' },
    };
    for (const [to, template] of [
      [client, 'service-manager-assigned-client'],
      [agentClient, 'service-manager-assigned-agent'],
    ] as const) {
      const mail = await renderEmail(template, await this.languageOf(to.id), data);
      await this.host.sendEmail({ to: to.email, subject: mail.subject, text: mail.text });
    }
  }

  /** The active agents who look after the client now. */
  async agentsFor(clientId: number): Promise<Agent[]> {
    const ids = new Set<number>();
    const grant = await this.serviceManagers.forClient(clientId);
    if (grant) ids.add(grant.agentId);
    const referral = await this.assignments.forClient(clientId);
    if (referral && referral.endedAt === null) ids.add(referral.agentId);
    const out: Agent[] = [];
    for (const id of ids) {
      const agent = await this.agents.get(id);
      if (agent?.status === 'active') out.push(agent);
    }
    return out;
  }

  private async aboutInvoice(event: AgentEvent, template: string, invoiceId: number): Promise<void> {
    const invoice = await this.host.getInvoice(invoiceId);
    if (!invoice) return this.logger.warn('invoice notification: no such invoice', { event, invoiceId });
    await this.notify(event, invoiceId, invoice.client_id, template, { invoice });
  }

  private async notify(event: AgentEvent, subjectId: number, clientId: number, template: string, data: Record<string, unknown>): Promise<void> {
    const agents = await this.agentsFor(clientId);
    if (!agents.length) return;
    const client = await this.host.getClient(clientId);
    if (!client) return;
    for (const agent of agents) {
      const agentClient = await this.host.getClient(agent.clientId);
      if (!agentClient || agentClient.status === 'Closed') continue;
      const key = { event, subject_id: subjectId, agent_id: agent.id };
      if (!(await this.claim(key, clientId, agentClient.email))) continue;
      try {
        const email = await renderEmail(template, await this.languageOf(agentClient.id), {
          ...data,
          client: { id: client.id, name: fullName(client) },
          agent: { id: agent.id, name: fullName(agentClient) },
          url: `${this.host.siteUrl()}${CLIENT_AREA}`,
        });
        await this.host.sendEmail({ to: agentClient.email, ...email });
        await this.db(T.notifications).where(key).update({ status: 'sent', sent_at: this.clock.now() });
      } catch (e) {
        const error = e instanceof Error && e.message ? e.message : String(e);
        this.logger.error('agent notification not sent', { event, subjectId, agentId: agent.id, to: agentClient.email, error });
        await this.db(T.notifications)
          .where(key)
          .update({ status: 'failed', error: error.slice(0, 255) });
      }
    }
  }

  /**
   * The right to send this e-mail: a new row, or a failed one taken back for another try. False
   * when it was sent already or another delivery is sending it (a crash mid-send leaves the row
   * 'sending': at most once, rather than twice).
   */
  private async claim(key: { event: AgentEvent; subject_id: number; agent_id: number }, clientId: number, to: string): Promise<boolean> {
    try {
      await this.db(T.notifications).insert({ ...key, client_id: clientId, to, status: 'sending', error: null, created_at: this.clock.now(), sent_at: null });
      return true;
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    return (
      (await this.db(T.notifications)
        .where({ ...key, status: 'failed' })
        .update({ status: 'sending', error: null })) > 0
    );
  }
}
