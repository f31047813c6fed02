import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { Scenario } from './support/scenario';
import { session, signUp, startHost } from './support/host-fixture';

const program = (attribution: 'first_click' | 'last_click') => ({
  slug: `clicks-${attribution.replace('_', '-')}`,
  name: `${attribution} program`,
  terms_version: 1,
  currency: 'USD',
  timezone: 'UTC',
  cookie_days: 30,
  attribution,
  hold_days: 0,
  rules: [{ id: 'all', rate_bp: 1000 }],
  payout: { thresholds: { USD: '10.00' } },
});

onEachDatabase('attribution: first click or last click', ({ current }) => {
  it("a first-click program keeps the first agent's cookie while it lives; both clicks are counted", async () => {
    const f = await startHost(current().db);
    try {
      const core = f.host.agentTools.services;
      const p = (await core.programs.load(program('first_click'))).program;
      const makeAgent = async (email: string) => {
        const s = await session(f.host);
        const id = await signUp(f.host, s, email);
        return (await core.agents.activateForClient(id, p.id)).id;
      };
      const first = await makeAgent('first@example.com');
      const second = await makeAgent('second@example.com');
      const visitor = await session(f.host);
      const a = await visitor.agent.get(`/aff.php?aff=${first}`);
      expect(String(a.headers['set-cookie'])).to.contain(`agenttools_ref=${first}.`);
      const b = await visitor.agent.get(`/aff.php?aff=${second}`);
      expect(b.status).to.equal(302);
      expect(b.headers['set-cookie']).to.equal(undefined);
      const client = await signUp(f.host, visitor, 'visitor@example.com');
      expect((await core.assignments.forClient(client))?.agentId).to.equal(first);
      expect((await core.assignments.forClient(client))?.rule).to.equal('first_click');
      await core.clicks.flush();
      expect((await current().db('mod_agenttools_clicks').whereIn('agent_id', [first, second])).length).to.equal(2);
      // A stranger's browser without the cookie still gets the second agent's.
      const fresh = await request(f.host.app).get(`/aff.php?aff=${second}`);
      expect(String(fresh.headers['set-cookie'])).to.contain(`agenttools_ref=${second}.`);
    } finally {
      await f.host.stop();
    }
  });
});

onEachDatabase('attribution: last click by default', ({ current }) => {
  it('a last-click program gives the client to the agent whose link was followed last', async () => {
    const s = await new Scenario(current().db, '2026-02-01T10:00:00Z').start();
    const p = await s.program(program('last_click'));
    const a = await s.agent(p);
    const b = await s.agent(p);
    await s.click(a);
    const later = await s.click(b);
    const client = await s.signsUp(later);
    expect(await s.agentOf(client)).to.equal(b);
    await s.stop();
  });
});
