import { EventEmitter } from 'node:events';
import { createConnection } from 'mysql2/promise';
import { errorMessage } from '../core/errors';
import { asRows, text } from './columns';

/**
 * `mysql://user:pass@h1:3307,h2:3308,h3:3309/db?opts` as one URL per host, in the order given
 * (the first is the node this app prefers). A URL with one host gives itself.
 */
export function hostUris(url: string): string[] {
  const m = /^(mysql:\/\/(?:[^@/]*@)?)([^/?]+)(.*)$/.exec(url);
  if (!m) return [url];
  const [, head = '', hosts = '', tail = ''] = m;
  return hosts.split(',').map((h) => `${head}${h.trim()}${tail}`);
}

/**
 * The first host that accepts a connection and, when it is a Galera node, is ready for clients
 * (a node that is joining or has lost its quorum answers 1047 to every query).
 */
export async function firstReady(uris: string[]): Promise<string> {
  const failures: string[] = [];
  for (const uri of uris) {
    try {
      const probe = await createConnection({ uri, connectTimeout: 2000 });
      try {
        // A server without Galera (no wsrep_on, or OFF) is always ready.
        const [on] = asRows((await probe.query("SHOW VARIABLES LIKE 'wsrep_on'"))[0]);
        const [status] = asRows((await probe.query("SHOW STATUS LIKE 'wsrep_ready'"))[0]);
        const ready = on === undefined || text(on.Value) !== 'ON' || (status !== undefined && text(status.Value) === 'ON');
        if (ready) return uri;
        failures.push(`${hostOf(uri)} is not ready (wsrep_ready OFF)`);
      } finally {
        await probe.end();
      }
    } catch (e) {
      failures.push(`${hostOf(uri)}: ${errorMessage(e)}`);
    }
  }
  throw new Error(`no database node answers: ${failures.join('; ')}`);
}

function hostOf(uri: string): string {
  return /@([^/]+)/.exec(uri)?.[1] ?? /\/\/([^/]+)/.exec(uri)?.[1] ?? uri;
}

/**
 * The host a pool of several connects to: the first that is ready (firstReady), chosen again
 * when one of its connections breaks (the node died) and at least every second (so that a create
 * that met a dead node is soon sent elsewhere, and a node back is preferred again). knex asks `expired()` when it hands out a
 * pooled connection; a yes re-chooses and replaces that one connection, the others stay.
 */
export class Failover {
  private chosenAt = -Infinity;
  private broken = false;

  constructor(
    private readonly uris: string[],
    private readonly maxAgeMs = 1000,
  ) {}

  async choose(): Promise<string> {
    const uri = await firstReady(this.uris);
    this.chosenAt = Date.now();
    this.broken = false;
    return uri;
  }

  expired(): boolean {
    return this.broken || Date.now() - this.chosenAt > this.maxAgeMs;
  }

  /** Marks the choice stale when this connection errs (a lost connection, a node gone). */
  watch(conn: unknown): unknown {
    if (conn instanceof EventEmitter) {
      // A killed server ends idle connections ('end') and fails busy ones ('error').
      for (const event of ['error', 'end']) conn.on(event, () => (this.broken = true));
    }
    return conn;
  }
}
