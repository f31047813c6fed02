import type { Knex } from 'knex';
import type { HostApi, HostQuote } from '../contract/host-api';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { RuleError } from '../core/errors';
import type { Agent, AgentService } from '../agents/agent-service';
import type { AssignmentService } from '../attribution/assignment-service';
import type { SelfReferralRules, ServiceManagerService } from '../service-managers/service-manager-service';
import { sameMailbox } from '../attribution/self-referral-service';
import { openReview } from '../attribution/review-service';
import type { RenderEmail } from '../notifications';
import { agentOfQuoteRef, agentQuoteRef } from './quote-ref';
import type { QuoteRequest } from './quote-form';
import { inTransaction } from '../db/transaction';

/**
 * An agent's quotes: for a client who made them their service manager (checked on the client
 * named, every time), or for a prospect by e-mail. The host makes, prices and keeps the quote and
 * its acceptance; a prospect who signs up from one becomes the agent's client.
 */
export class QuoteService {
  constructor(
    private readonly db: Knex,
    private readonly host: HostApi,
    private readonly agents: AgentService,
    private readonly serviceManagers: ServiceManagerService,
    private readonly assignments: AssignmentService,
    private readonly selfReferrals: SelfReferralRules,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** The quote's e-mail, in the client's language (the agent's own for someone who is not a client yet). */
    private readonly render: RenderEmail,
  ) {}

  /** The agent behind a client-area account, if it may make quotes now. */
  async activeAgent(agentClientId: number): Promise<Agent> {
    const agent = await this.agents.byClient(agentClientId);
    if (!agent || agent.status !== 'active') throw new RuleError('quotes.error.not_active');
    return agent;
  }

  async create(agent: Agent, request: QuoteRequest): Promise<HostQuote> {
    let email: string;
    if (request.clientId !== null) {
      if (!(await this.serviceManagers.manages(agent.id, request.clientId))) throw new RuleError('quotes.error.client', 'client_id');
      const client = await this.host.getClient(request.clientId);
      if (!client || client.status === 'Closed') throw new RuleError('quotes.error.client_closed', 'client_id');
      email = client.email;
    } else {
      email = request.email;
      const own = await this.host.getClient(agent.clientId);
      if (own && sameMailbox(own.email, email)) throw new RuleError('quotes.error.to_yourself', 'email');
    }
    const currencies = new Set<string>();
    for (const [i, l] of request.lines.entries()) {
      const product = await this.host.getProduct(l.product_id);
      if (!product) throw new RuleError('quotes.error.product', `product_${i}`);
      currencies.add(product.currency);
    }
    if (currencies.size > 1) throw new RuleError('quotes.error.one_currency', 'product_0');
    const quote = await this.host.createQuote({ client_id: request.clientId, email, ref: agentQuoteRef(agent.id), lines: request.lines });
    this.logger.info('quote made', { agentId: agent.id, quoteId: quote.id, clientId: request.clientId });
    return quote;
  }

  /** This agent's quote, or null for anyone else's: an id in a form proves nothing. */
  async mine(agent: Agent, quoteId: number): Promise<HostQuote | null> {
    const quote = await this.host.getQuote(quoteId);
    return quote && quote.ref === agentQuoteRef(agent.id) ? quote : null;
  }

  listForAgent(agent: Agent): Promise<HostQuote[]> {
    return this.host.listQuotes({ ref: agentQuoteRef(agent.id) });
  }

  /** Marks it sent (so that it can be answered) and e-mails the link; sending again re-sends it. */
  async send(agent: Agent, quote: HostQuote, agentName: string): Promise<void> {
    if (quote.client_id !== null && !(await this.serviceManagers.manages(agent.id, quote.client_id))) throw new RuleError('quotes.error.not_manager');
    if (!(await this.host.markQuoteSent(quote.id))) throw new RuleError('quotes.error.answered');
    const mail = await this.render('quote-sent', { quote, agent: { name: agentName } }, quote.client_id ?? agent.clientId);
    await this.host.sendEmail({ to: quote.email, subject: mail.subject, text: mail.text });
  }

  /**
   * A new client who signed up from an agent's quote is that agent's client, as if they had typed
   * the agent's code: the quote is the more deliberate evidence than any cookie. An agent can sign
   * up a second account from their own quote, so the self-referral rules apply (`cookies` are the
   * signing-up browser's): under `reject` nobody is assigned; under `flag` the client is, and waits
   * in the review queue, in the same transaction so that no assignment escapes the review.
   */
  async onClientAdd(clientId: number, cookies: Record<string, string | undefined> = {}, email?: string): Promise<void> {
    for (const quote of await this.host.listQuotes({ client_id: clientId })) {
      const agentId = agentOfQuoteRef(quote.ref);
      if (agentId === null) continue;
      const agent = await this.agents.get(agentId);
      const verdict = agent ? await this.selfReferrals.verdict(agent, clientId, email, cookies) : null;
      if (verdict === 'reject') {
        this.logger.warn('quote sign-up not attributed', { clientId, quoteId: quote.id, reason: 'self-referral' });
        return;
      }
      try {
        await inTransaction(this.db, async (trx) => {
          await this.assignments.assign(clientId, agentId, `quote:${quote.id}`, `signed up from quote #${quote.id}`, 'quote', trx);
          if (verdict) await openReview(trx, clientId, agentId, verdict.flag, this.clock.now());
        });
      } catch (e) {
        if (!(e instanceof RuleError)) throw e;
        this.logger.warn('quote sign-up not attributed', { clientId, quoteId: quote.id, reason: e.message });
      }
      return;
    }
  }
}
