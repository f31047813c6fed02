import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { MemoryHost } from './support/memory-host';
import { ManualClock } from '../module/core/clock';
import { Changes } from '../module/core/changes';
import { connect } from '../module/db/connection';
import { migrate } from '../module/db/migrate';
import { T } from '../module/db/tables';
import { CacheVersion, announceChanges } from '../module/db/cache-version';
import { ProgramService, definitionFromSettings } from '../module/programs/program-service';
import { AgentService } from '../module/agents/agent-service';
import { AgentLinkCache } from '../module/tracking/agent-cache';
import { SlugCache } from '../module/links/slug-cache';

const T0 = Date.parse('2026-03-01T09:00:00Z');

/**
 * Two app nodes, each with its own connection pool and its own caches: a change made on one is
 * seen by the other's caches within a second, through the version row, not after the 30 s TTL.
 */
onEachDatabase("another node's caches see a change within a second", ({ current }) => {
  const host = new MemoryHost();
  const clock = new ManualClock(T0);
  let pools: Knex[];
  let agents: AgentService;
  let versions: CacheVersion[];
  let agentId: number;

  before(async () => {
    pools = [connect(current().url), connect(current().url)];
    await migrate(pools[0]!);
    const changes = new Changes();
    const programs = new ProgramService(pools[0]!, clock, changes);
    agents = new AgentService(pools[0]!, host, programs, clock, changes);
    const program = (await programs.load(definitionFromSettings({ cookie_days: '30' }))).program;
    host.addClient(1);
    agentId = (await agents.activateForClient(1, program.id)).id;
    versions = pools.map((db) => new CacheVersion(db, clock));
  });
  after(() => Promise.all(pools.map((p) => p.destroy())));

  it('an agent blocked on node A stops being followed on node B one second later; without the version, only after the TTL', async () => {
    const onB = new AgentLinkCache(pools[1]!, new Changes(), clock, { ttlMs: 30_000, version: versions[1] });
    const withoutVersion = new AgentLinkCache(pools[1]!, new Changes(), clock, { ttlMs: 30_000 });
    expect((await onB.lookup(agentId))?.agentId).to.equal(agentId);
    expect((await withoutVersion.lookup(agentId))?.agentId).to.equal(agentId);

    // Node A blocks the agent and, once committed, raises the version (what announceChanges does).
    await pools[0]!(T.agents).where({ id: agentId }).update({ status: 'blocked' });
    await versions[0]!.bump();
    // Within the same second node B has not looked: a click costs no query.
    expect((await onB.lookup(agentId))?.agentId).to.equal(agentId);
    clock.set(T0 + 1_000);
    expect(await onB.lookup(agentId)).to.equal(null);
    expect((await withoutVersion.lookup(agentId))?.agentId).to.equal(agentId);
    await pools[0]!(T.agents).where({ id: agentId }).update({ status: 'active' });
  });

  it('a slug approved on node A is followed on node B a second later', async () => {
    clock.set(T0 + 10_000);
    const onB = new SlugCache(pools[1]!, new Changes(), clock, { version: versions[1] });
    expect(await onB.lookup('acme-cloud')).to.equal(null);
    await pools[0]!(T.agents).where({ id: agentId }).update({ slug: 'acme-cloud', slug_status: 'approved' });
    await versions[0]!.bump();
    clock.set(T0 + 11_000);
    expect(await onB.lookup('acme-cloud')).to.equal(agentId);
  });

  it('every kind of change published on a node raises the version once', () => {
    const raised: string[] = [];
    const changes = new Changes();
    const version = Object.assign(new CacheVersion(pools[0]!, clock), { bump: () => (raised.push('bump'), Promise.resolve()) });
    announceChanges(changes, version, () => undefined);
    changes.agent(1);
    changes.program(1);
    changes.slug('a', null);
    expect(raised).to.deep.equal(['bump', 'bump', 'bump']);
  });
});
