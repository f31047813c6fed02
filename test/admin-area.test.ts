import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { verifyLedger } from '../module/ledger/verify';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const act = (a: string) => `${ADMIN_PAGE}&action=${a}`;
const EXAMPLES = path.resolve(__dirname, '../examples/programs');

/** What an admin does with programs and agents, through the admin pages. */
onEachDatabase('the admin area', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let agentId: number;
  let agentPage: string;

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    const s = await session(f.host);
    const clientId = await signUp(f.host, s, 'agent@example.com');
    const load = await admin.post(ADMIN_PAGE, act('loadProgram'), { definition: fs.readFileSync(path.join(EXAMPLES, 'cloudsigma.yaml'), 'utf8') });
    expect(load.status).to.equal(303);
    const program = await f.host.agentTools.services.programs.bySlug('cloudsigma');
    await admin.post(ADMIN_PAGE, act('activateAgent'), { client_id: clientId, program_id: program!.id });
    agentId = (await f.host.agentTools.services.agents.byClient(clientId))!.id;
    agentPage = `${act('agent')}&id=${agentId}`;
  });
  after(() => f.host.stop());

  it('lists the programs with their terms version, and loading the same file again changes nothing', async () => {
    const again = await admin.post(ADMIN_PAGE, act('loadProgram'), { definition: fs.readFileSync(path.join(EXAMPLES, 'cloudsigma.yaml'), 'utf8') });
    expect(again.status).to.equal(303);
    const page = (await admin.agent.get(act('programs'))).text;
    expect(page).to.match(/<td data-label="Slug">cloudsigma<\/td><td data-label="Name">CloudSigma Partner Program<\/td><td data-label="Currency">USD<\/td><td data-label="Terms version">1<\/td>/);
    expect(
      await current()
        .db(T.programVersions)
        .where({ program_id: (await f.host.agentTools.services.programs.bySlug('cloudsigma'))!.id }),
    ).to.have.length(1);
  });

  it('sets a partner rate inside the program range and refuses one outside it, beside the field', async () => {
    const bad = await admin.post(agentPage, act('setAgentTerms'), { agent_id: agentId, tier: '', rate: '30', certification: '' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('role="alert">between 15 % and 25 %</span>');
    const ok = await admin.post(agentPage, act('setAgentTerms'), { agent_id: agentId, tier: '', rate: '22.5', certification: '' });
    expect(ok.status).to.equal(303);
    expect((await f.host.agentTools.services.agents.get(agentId))!.rateBp).to.equal(2250);
  });

  it('adds a manual commission once, however often the form is sent', async () => {
    const page = (await admin.agent.get(agentPage)).text;
    const key = /name="key" value="([^"]+)"/.exec(page)![1]!;
    for (let i = 0; i < 2; i++) {
      const res = await admin.post(agentPage, act('manualCommission'), { agent_id: agentId, amount: '250.00', reason: 'custom development, Q1', key });
      expect([303, 422]).to.include(res.status);
    }
    const rows = await current().db(T.commissions).where({ agent_id: agentId, role: 'manual' });
    expect(rows.map((r) => [Number(r.amount_minor), r.reason])).to.deep.equal([[25_000, 'custom development, Q1']]);
  });

  it('unassigns a client only from the agent it is assigned to', async () => {
    const s = await session(f.host);
    const clientId = await signUp(f.host, s, 'managed@example.com');
    expect((await admin.post(agentPage, act('assignClient'), { agent_id: agentId, client_id: clientId, reason: 'moved from reseller' })).status).to.equal(303);
    const wrong = await admin.post(agentPage, act('unassignClient'), { agent_id: agentId + 1, client_id: clientId, reason: 'mistake' });
    expect(wrong.status).to.equal(422);
    const ok = await admin.post(agentPage, act('unassignClient'), { agent_id: agentId, client_id: clientId, reason: 'client asked' });
    expect(ok.status).to.equal(303);
    const log = await current().db(T.assignmentLog).where({ client_id: clientId }).orderBy('id');
    expect(log.map((l) => [l.from_agent_id, l.to_agent_id, l.reason, l.actor])).to.deep.equal([
      [null, agentId, 'moved from reseller', 'admin'],
      [agentId, null, 'client asked', 'admin'],
    ]);
  });

  it('lists every agent with their balances, read in one query per program currency', async () => {
    const page = (await admin.agent.get(act('agents'))).text;
    const table = page.slice(page.indexOf('data-testid="agents"'), page.indexOf('</table>', page.indexOf('data-testid="agents"')));
    // The agent by name, with the e-mail and the id only as a detail.
    expect(table).to.contain(`id=${agentId}">Visitor Person</a> <span class="secondary">&lt;agent@example.com&gt; · #${agentId}</span>`);
    const money = (label: string, amount: string) => `<td data-label="${label}">USD\u00a0${amount}</td>`;
    expect(table).to.contain(money('Pending', '250.00') + money('Available', '0.00') + money('Requested', '0.00') + money('Withdrawn', '0.00'));
  });

  it('blocks an agent with a reason, forfeiting the unpaid commission, and the ledger verifies', async () => {
    const noReason = await admin.post(agentPage, act('blockAgent'), { agent_id: agentId, reason: '' });
    expect(noReason.text).to.contain('role="alert">required</span>');
    const res = await admin.post(agentPage, act('blockAgent'), { agent_id: agentId, reason: 'bought through own link' });
    expect(res.status).to.equal(303);
    const agent = (await f.host.agentTools.services.agents.get(agentId))!;
    expect([agent.status, agent.blockedReason]).to.deep.equal(['blocked', 'bought through own link']);
    expect((await f.host.agentTools.services.ledger.balances(agentId, 'USD')).pending).to.equal(0);
    expect((await verifyLedger(current().db)).problems).to.deep.equal([]);
  });
});
