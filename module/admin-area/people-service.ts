import type { Knex } from 'knex';
import type { HostApi, HostClient } from '../contract/host-api';
import type { Agent } from '../agents/agent-service';
import { agentFromRow } from '../agents/agent-service';
import { T } from '../db/tables';
import { asRows } from '../db/columns';

export const PERSON_KINDS = ['agent', 'client'] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

/** At most this many people in one answer of the picker. */
export const MAX_RESULTS = 20;
/** Fewer characters than this find too many to be of use. */
export const MIN_QUERY = 2;
/** The host is asked for this many clients when only the agents among them are wanted. */
const AGENT_CANDIDATES = 100;

/** A person as the admin sees them: name and e-mail first, the id only as a detail. */
export interface Person {
  kind: PersonKind;
  /** The agent's id for an agent, the client's id for a client: what the form posts. */
  id: number;
  clientId: number;
  name: string;
  email: string;
  company: string | null;
  status: string;
}

export function fullName(c: Pick<HostClient, 'firstname' | 'lastname'>): string {
  return `${c.firstname} ${c.lastname}`.trim();
}

/**
 * Finds agents and clients by name or e-mail for the admin's pickers (the host's search for
 * clients; agents are the clients among them with an agent record), and names them on pages.
 */
export class PeopleService {
  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'searchClients' | 'getClient'>,
  ) {}

  async search(kind: PersonKind, query: string): Promise<Person[]> {
    const q = query.trim();
    if (q.length < MIN_QUERY) return [];
    if (kind === 'client') return (await this.host.searchClients(q, MAX_RESULTS)).map((c) => asPerson('client', c.id, c));
    const clients = await this.host.searchClients(q, AGENT_CANDIDATES);
    if (!clients.length) return [];
    const agents = asRows(
      await this.db(T.agents).whereIn(
        'client_id',
        clients.map((c) => c.id),
      ),
    ).map(agentFromRow);
    const byClient = new Map(agents.map((a) => [a.clientId, a]));
    const out: Person[] = [];
    for (const c of clients) {
      const agent = byClient.get(c.id);
      if (agent && out.length < MAX_RESULTS) out.push(asPerson('agent', agent.id, c, agent));
    }
    return out;
  }

  /**
   * What an admin typed in a picker without choosing (no script, or typed in full): an exact
   * e-mail finds the one person; anything else finds no one.
   */
  async resolveEmail(kind: PersonKind, typed: string): Promise<number | null> {
    const email = typed.trim().toLowerCase();
    if (!email.includes('@')) return null;
    const found = (await this.search(kind, email)).filter((p) => p.email.toLowerCase() === email);
    return found.length === 1 ? found[0]!.id : null;
  }

  /** Clients by id, for a page that names them (the host reads one at a time). */
  async clients(ids: Iterable<number>): Promise<Map<number, HostClient>> {
    const out = new Map<number, HostClient>();
    for (const id of new Set(ids)) {
      const c = await this.host.getClient(id);
      if (c) out.set(id, c);
    }
    return out;
  }

  /** Agents by id, each with its client, for a page that names them. */
  async agents(ids: Iterable<number>): Promise<Map<number, { agent: Agent; client: HostClient | null }>> {
    const list = [...new Set(ids)];
    if (!list.length) return new Map();
    const agents = asRows(await this.db(T.agents).whereIn('id', list)).map(agentFromRow);
    const clients = await this.clients(agents.map((a) => a.clientId));
    return new Map(agents.map((a) => [a.id, { agent: a, client: clients.get(a.clientId) ?? null }]));
  }
}

function asPerson(kind: PersonKind, id: number, c: HostClient, agent?: Agent): Person {
  return { kind, id, clientId: c.id, name: fullName(c), email: c.email, company: c.companyname, status: agent ? agent.status : c.status };
}
