import type { Knex } from 'knex';
import { createHost, type Host } from '../../host/app';
import { connect } from '../../module/db/connection';
import { ManualClock } from '../../module/core/clock';
import { MemoryLogger } from '../../module/core/logger';
import { REFERRAL_COOKIE } from '../../module/tracking/referral-cookie';
import { BROWSER } from '../support/user-agents';
import { clusterContext } from './context';

/** A product whose one line earns the default program's 10 %: USD 200.00 → USD 20.00. */
export const PRICE = 20_000;
export const COMMISSION = 2_000;

/**
 * Three app nodes in this process, each the reference host on its own database node (failing over
 * to the others), sharing one simulated clock: the concurrency the app processes would have, with
 * the time the proofs need to move.
 */
export interface World {
  clock: ManualClock;
  hosts: Host[];
  pools: Knex[];
  productId: number;
  stop(): Promise<void>;
}

export async function startWorld(startAt: string): Promise<World> {
  const ctx = clusterContext();
  const clock = new ManualClock();
  clock.set(startAt);
  const pools = [0, 1, 2].map((i) => connect(ctx.appDatabaseUrl(i)));
  const hosts = await Promise.all(pools.map((db) => createHost({ db, clock, logger: new MemoryLogger(), module: { clickFlushMs: 60_000 } })));
  const db = pools[0];
  if (!db) throw new Error('no pool');
  const [groupId] = await db('host_product_groups').insert({ name: `Cluster ${startAt}` });
  const [productId] = await db('host_products').insert({ group_id: groupId, name: 'Cloud Server C', currency: 'USD', price_minor: PRICE, setup_minor: 0 });
  return {
    clock,
    hosts,
    pools,
    productId: Number(productId),
    async stop() {
      await Promise.all(hosts.map((h) => h.stop()));
      await Promise.all(pools.map((p) => p.destroy()));
    },
  };
}

let emails = 0;

/** A client signed up on the host, with the referral cookie of the agent's link when one is given. */
export async function signUp(host: Host, agentId: number | null, tag: string): Promise<number> {
  let cookies: Record<string, string> = {};
  if (agentId !== null) {
    const click = await host.agentTools.services.tracking.click(String(agentId), { ip: '203.0.113.9', userAgent: BROWSER, referer: '' });
    if (!click.cookie) throw new Error(`a click on agent ${agentId}'s link gave no cookie`);
    cookies = { [REFERRAL_COOKIE]: click.cookie.value };
  }
  emails++;
  const email = `${tag}-${process.pid}-${emails}-${Date.now()}@example.com`;
  return host.billing.createClient({ firstname: 'Cluster', lastname: 'Client', email, password: 'correct horse battery', currency: 'USD' }, { request: { cookies } });
}

/** A client made an agent of the default program. */
export async function makeAgent(host: Host, tag: string): Promise<number> {
  const clientId = await signUp(host, null, tag);
  const program = await host.agentTools.services.programs.bySlug('default');
  if (!program) throw new Error('no default program');
  return (await host.agentTools.services.agents.activateForClient(clientId, program.id)).id;
}

/** An order of the product: its unpaid invoice's id. */
export function order(host: Host, clientId: number, productId: number): Promise<number> {
  return host.billing.placeOrder(clientId, productId);
}
