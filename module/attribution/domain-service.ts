import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { RuleError, isDeadlock, isUniqueViolation } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { Agent, AgentService } from '../agents/agent-service';
import type { ProgramService } from '../programs/program-service';
import { domainOfEmail, isRegistrySuffix, normaliseDomain, sameOrNested, selfAndParents } from './domain-name';
import { isPublicMailDomain } from './public-mail-domains';
import { asRow, asRows, num, rowOrNull, stringOrNull, text } from '../db/columns';
import { inTransaction } from '../db/transaction';

export const CUSTOMER_MAX = 120;

/** A customer's domain an agent registered (deal registration, CloudCodes). */
export interface DomainRegistration {
  id: number;
  domain: string;
  agentId: number;
  customer: string;
  createdAt: number;
}

/** The registration a sign-up's e-mail or an ordered domain falls under. */
export interface DomainMatch {
  agent: Agent;
  /** The registered name, which may be a parent of the one asked about. */
  domain: string;
}

function fromRow(row: unknown): DomainRegistration {
  const r = asRow(row);
  return {
    id: num(r.id),
    domain: text(r.domain),
    agentId: num(r.agent_id),
    customer: stringOrNull(r.customer) ?? '',
    createdAt: num(r.created_at),
  };
}

/**
 * Deal registration: an agent registers a customer's domain, and a client who signs up with an
 * e-mail at it (or under it), or orders it, is the agent's. One agent per domain, and per branch
 * of names (see insertUnclaimed); only programs with `deal_registration` take part, in registering
 * and in matching.
 */
export class DomainService {
  constructor(
    private readonly db: Knex,
    private readonly agents: AgentService,
    private readonly programs: ProgramService,
    private readonly host: HostApi,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async allowedFor(agent: Agent): Promise<boolean> {
    return agent.status === 'active' && !!(await this.programs.get(agent.programId))?.def.deal_registration;
  }

  async register(agent: Agent, rawDomain: string, rawCustomer: string): Promise<DomainRegistration> {
    if (!(await this.allowedFor(agent))) throw new RuleError('deals.error.not_included');
    const domain = normaliseDomain(rawDomain);
    if (!domain) throw new RuleError('deals.error.domain', 'domain');
    if (isRegistrySuffix(domain)) throw new RuleError('deals.error.suffix', 'domain', { domain });
    if (isPublicMailDomain(domain)) throw new RuleError('deals.error.public_mail', 'domain', { domain });
    const site = siteHost(this.host.siteUrl());
    if (site && sameOrNested(domain, site)) throw new RuleError('deals.error.own_domain', 'domain');
    const customer = rawCustomer.trim();
    if (customer.length > CUSTOMER_MAX) throw new RuleError('deals.error.customer_long', 'customer', { max: CUSTOMER_MAX });
    for (let attempt = 1; ; attempt++) {
      try {
        const registration = await inTransaction(this.db, (trx) => this.insertUnclaimed(trx, agent, domain, customer));
        this.logger.info('domain registered', { agentId: agent.id, domain });
        return registration;
      } catch (e) {
        // Two registrations of related names at once: MariaDB may pick one as a deadlock's
        // victim; run it again, and it finds the other's name committed.
        if (isDeadlock(e) && attempt < 3) continue;
        if (!isUniqueViolation(e)) throw e;
        const holder = rowOrNull(await this.db(T.domains).where({ domain }).first('agent_id'));
        if (holder && num(holder.agent_id) === agent.id) throw new RuleError('deals.error.already_yours', 'domain', { domain });
        throw takenByAnother(domain);
      }
    }
  }

  /**
   * Insert, then look for another agent's registration of a parent or a child of the name: the
   * most specific registration wins a sign-up, so B's mail.acme.com under A's acme.com would take
   * A's customers. The look is a locking read made after the insert, so a registration of a
   * related name in flight elsewhere is waited for (or ends in a deadlock that is retried), never
   * missed. The unique index still guarantees on its own that no name is registered twice; the
   * nesting rule rests on this read. An agent's own names may nest: the most specific is theirs too.
   */
  private async insertUnclaimed(trx: Knex.Transaction, agent: Agent, domain: string, customer: string): Promise<DomainRegistration> {
    const [id] = await trx(T.domains).insert({ domain, agent_id: agent.id, customer, created_at: this.clock.now() });
    const related: unknown = await trx(T.domains)
      .whereNot('agent_id', agent.id)
      .where((q) => {
        q.whereIn('domain', selfAndParents(domain).slice(1)).orWhere('domain', 'like', `%.${domain}`);
      })
      .forShare()
      .first('id');
    // Thrown inside the transaction, so that the row just inserted goes with it.
    if (related) throw takenByAnother(domain);
    return fromRow(await trx(T.domains).where({ id }).first());
  }

  async listForAgent(agentId: number): Promise<DomainRegistration[]> {
    return asRows(await this.db(T.domains).where({ agent_id: agentId }).orderBy('domain')).map(fromRow);
  }

  async listAll(limit = 1000): Promise<DomainRegistration[]> {
    return asRows(await this.db(T.domains).orderBy('domain').limit(limit)).map(fromRow);
  }

  /** The agent's own registration only; another's, or none, is the same "not found" to them. */
  async removeOwn(agent: Agent, id: number): Promise<DomainRegistration | null> {
    const row: unknown = await this.db(T.domains).where({ id, agent_id: agent.id }).first();
    if (!row) return null;
    const registration = fromRow(row);
    await this.db(T.domains).where({ id, agent_id: agent.id }).delete();
    this.logger.info('domain registration removed by its agent', { agentId: agent.id, domain: registration.domain });
    return registration;
  }

  async removeByAdmin(id: number, actor: string, reason: string): Promise<DomainRegistration> {
    if (!reason.trim()) throw new RuleError('errors.reason_required', 'reason');
    const row: unknown = await this.db(T.domains).where({ id }).first();
    if (!row) throw new RuleError('deals.error.registration_missing', 'registration_id');
    const registration = fromRow(row);
    await this.db(T.domains).where({ id }).delete();
    this.logger.info('domain registration removed by an admin', { actor, reason, agentId: registration.agentId, domain: registration.domain });
    return registration;
  }

  /** The registration covering this domain or a parent of it; the most specific one wins. */
  async match(rawDomain: string | undefined | null): Promise<DomainMatch | null> {
    const domain = rawDomain ? normaliseDomain(rawDomain) : null;
    if (!domain) return null;
    const rows = asRows(await this.db(T.domains).whereIn('domain', selfAndParents(domain))).map(fromRow);
    rows.sort((a, b) => b.domain.length - a.domain.length);
    for (const row of rows) {
      const agent = await this.agents.get(row.agentId);
      if (agent && (await this.allowedFor(agent))) return { agent, domain: row.domain };
    }
    return null;
  }

  async matchEmail(email: string | undefined): Promise<DomainMatch | null> {
    return email ? this.match(domainOfEmail(email)) : null;
  }
}

/** Who holds it is not said: a partner must not learn another's customers by probing. */
function takenByAnother(domain: string): RuleError {
  return new RuleError('deals.error.taken', 'domain', { domain });
}

function siteHost(siteUrl: string): string | null {
  return URL.canParse(siteUrl) ? normaliseDomain(new URL(siteUrl).hostname) : null;
}
