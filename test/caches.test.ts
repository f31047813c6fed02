import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { MemoryHost } from './support/memory-host';
import { ManualClock } from '../module/core/clock';
import { Changes } from '../module/core/changes';
import { LoadingCache } from '../module/core/loading-cache';
import { migrationSource } from '../module/db/migrations';
import { MIGRATIONS_TABLE, T } from '../module/db/tables';
import { ProgramService, definitionFromSettings } from '../module/programs/program-service';
import { AgentService } from '../module/agents/agent-service';
import { AgentLinkCache } from '../module/tracking/agent-cache';
import { SlugCache } from '../module/links/slug-cache';
import { CodeCache } from '../module/links/code-cache';

const T0 = Date.parse('2026-03-01T09:00:00Z');

describe('the loading cache', () => {
  it('keeps a value and a miss for the ttl on its clock, then loads again', async () => {
    const clock = new ManualClock(T0);
    const loads: string[] = [];
    const cache = new LoadingCache<string, number>((key) => (loads.push(key), Promise.resolve(key === 'known' ? 7 : null)), clock, { ttlMs: 30_000 });
    expect([await cache.get('known'), await cache.get('unknown')]).to.deep.equal([7, null]);
    clock.set(T0 + 29_999);
    expect([await cache.get('known'), await cache.get('unknown')]).to.deep.equal([7, null]);
    expect(loads).to.deep.equal(['known', 'unknown']);
    clock.set(T0 + 30_001);
    await cache.get('unknown');
    expect(loads).to.deep.equal(['known', 'unknown', 'unknown']);
  });

  it('holds at most maxEntries keys, dropping the least recently used', async () => {
    const loads: number[] = [];
    const cache = new LoadingCache<number, number>((key) => (loads.push(key), Promise.resolve(key)), new ManualClock(T0), { maxEntries: 2 });
    await cache.get(1);
    await cache.get(2);
    await cache.get(1);
    await cache.get(3);
    await cache.get(1);
    await cache.get(2);
    expect(loads).to.deep.equal([1, 2, 3, 2]);
  });

  it('a key dropped while it loads is loaded again, so no caller gets what was read before the change', async () => {
    let value = 'before';
    let release = (): void => {};
    const cache = new LoadingCache<string, string>(async () => {
      const read = value;
      await new Promise<void>((r) => (release = r));
      return read;
    }, new ManualClock(T0));
    const waiting = cache.get('k');
    await Promise.resolve();
    value = 'after';
    cache.delete('k');
    release();
    await new Promise((r) => setImmediate(r));
    release();
    expect(await waiting).to.equal('after');
    expect(await cache.get('k')).to.equal('after');
  });

  it('a failed load fails its callers and is not kept', async () => {
    let fail = true;
    const cache = new LoadingCache<string, string>(() => (fail ? Promise.reject(new Error('database gone')) : Promise.resolve('ok')), new ManualClock(T0));
    let error: unknown;
    await cache.get('k').catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('database gone');
    fail = false;
    expect(await cache.get('k')).to.equal('ok');
  });
});

onEachDatabase('the link caches: queries they cost', ({ current }) => {
  let db: Knex;
  const host = new MemoryHost();
  let clock: ManualClock;
  let changes: Changes;
  let programs: ProgramService;
  let agents: AgentService;
  let agentId: number;
  let code: string;
  let queries = 0;
  const count = () => queries++;
  const counted = async (work: () => Promise<unknown>): Promise<number> => {
    const before = queries;
    await work();
    return queries - before;
  };
  const unknownIds = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i * 7919);

  before(async () => {
    db = current().db;
    await db.migrate.latest({ migrationSource, tableName: MIGRATIONS_TABLE });
    clock = new ManualClock(T0);
    changes = new Changes();
    programs = new ProgramService(db, clock, changes);
    agents = new AgentService(db, host, programs, clock, changes);
    const program = (await programs.load(definitionFromSettings({ cookie_days: '30' }))).program;
    host.addClient(1);
    const agent = await agents.activateForClient(1, program.id);
    [agentId, code] = [agent.id, agent.referralCode!];
    db.on('query', count);
  });
  after(() => {
    db.removeListener('query', count);
  });

  it('a thousand made-up agent ids cost one query: none is above the highest agent id there is', async () => {
    const cache = new AgentLinkCache(db, changes, clock);
    const n = await counted(() => Promise.all(unknownIds(1000, 1_000_000).map((id) => cache.lookup(id))));
    expect(n).to.equal(1);
    expect(await cache.lookup(1_000_000)).to.equal(null);
  });

  it('a hundred clicks at once on one unknown agent id cost one query, and the miss is kept for the ttl', async () => {
    const blocked = await agents.activateForClient(newClient(), (await programs.bySlug('default'))!.id);
    await db(T.agents).where({ id: blocked.id }).update({ status: 'blocked' });
    const cache = new AgentLinkCache(db, changes, clock, { ttlMs: 30_000 });
    await cache.lookup(agentId);
    const n = await counted(async () => {
      const answers = await Promise.all(Array.from({ length: 100 }, () => cache.lookup(blocked.id)));
      expect(new Set(answers)).to.deep.equal(new Set([null]));
    });
    expect(n).to.equal(1);
    clock.set(T0 + 29_000);
    expect(await counted(() => cache.lookup(blocked.id))).to.equal(0);
    clock.set(T0 + 31_000);
    expect(await counted(() => cache.lookup(blocked.id))).to.equal(2);
    clock.set(T0);
  });

  it('a new agent, a block and a program load made on this node take effect at once', async () => {
    const cache = new AgentLinkCache(db, changes, clock);
    expect((await cache.lookup(agentId))?.cookieDays).to.equal(30);
    const newcomer = await agents.activateForClient(newClient(), (await programs.bySlug('default'))!.id);
    expect((await cache.lookup(newcomer.id))?.agentId).to.equal(newcomer.id);

    await db(T.agents).where({ id: newcomer.id }).update({ status: 'blocked' });
    agents.changed(newcomer.id);
    expect(await cache.lookup(newcomer.id)).to.equal(null);

    await programs.load({ ...(definitionFromSettings({ cookie_days: '60' }) as object), terms_version: 2 });
    expect((await cache.lookup(agentId))?.cookieDays).to.equal(60);
  });

  it('a slug: a hundred lookups at once of an unknown one cost one query; a change published drops it', async () => {
    const cache = new SlugCache(db, changes, clock);
    expect(await counted(() => Promise.all(Array.from({ length: 100 }, () => cache.lookup('carol-cloud'))))).to.equal(1);
    await db(T.agents).where({ id: agentId }).update({ slug: 'carol-cloud', slug_status: 'approved' });
    expect(await cache.lookup('carol-cloud')).to.equal(null);
    changes.slug(null, 'carol-cloud');
    expect(await cache.lookup('carol-cloud')).to.equal(agentId);
    expect(await counted(() => cache.lookup('not a slug!'))).to.equal(0);
  });

  it('a referral code: read as typed, once, and what cannot be a code costs nothing', async () => {
    const cache = new CodeCache(db, clock);
    expect(await counted(() => Promise.all([cache.lookup(code), cache.lookup(code.toLowerCase()), cache.lookup(code)]))).to.equal(1);
    expect(await cache.lookup(code.toLowerCase())).to.equal(agentId);
    expect(await counted(() => cache.lookup('<script>'))).to.equal(0);
  });

  let nextClient = 100;
  function newClient(): number {
    const id = nextClient++;
    host.addClient(id);
    return id;
  }
});
