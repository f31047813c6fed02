import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const AGENT_PAGE = '/index.php?m=agenttools';
const act = (a: string) => `${ADMIN_PAGE}&action=${a}`;
const EXAMPLES = path.resolve(__dirname, '../examples/programs');

/** The tier panel: the admin ticks the checklist and sets the tier with a reason (POST + CSRF, logged); the agent sees it. */
onEachDatabase('the tier pages', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let agentSession: Session;
  let agentId: number;
  let agentPage: string;

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    agentSession = await session(f.host);
    const clientId = await signUp(f.host, agentSession, 'tier-agent@example.com');
    await admin.post(ADMIN_PAGE, act('loadProgram'), { definition: fs.readFileSync(path.join(EXAMPLES, 'cloud-one.yaml'), 'utf8') });
    const program = await f.host.agentTools.services.programs.bySlug('cloud-one');
    await admin.post(ADMIN_PAGE, act('activateAgent'), { client_id: clientId, program_id: program!.id });
    agentId = (await f.host.agentTools.services.agents.byClient(clientId))!.id;
    agentPage = `${act('agent')}&id=${agentId}`;
  });
  after(() => f.host.stop());

  it('the admin saves the checklist: a bad count is refused beside its field, then each answer is stored and logged with who', async () => {
    const bad = await admin.post(agentPage, act('setChecklist'), { agent_id: agentId, sip_trunk: '1', sales_certifications: 'two' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('role="alert">a whole number from 0 to 9999</span>');
    const ok = await admin.post(agentPage, act('setChecklist'), { agent_id: agentId, sip_trunk: '1', sales_certifications: '2', technical_certification: 'intermediate', agreement: '1' });
    expect(ok.status).to.equal(303);
    const rows = await current().db(T.agentChecklist).where({ agent_id: agentId }).orderBy('item');
    expect(rows.map((r) => [r.item, r.value])).to.deep.equal([
      ['agreement', '1'],
      ['sales_certifications', '2'],
      ['sip_trunk', '1'],
      ['technical_certification', 'intermediate'],
    ]);
    const log = await current().db(T.checklistLog).where({ agent_id: agentId });
    expect(log).to.have.length(4);
    expect(new Set(log.map((l) => String(l.actor)))).to.deep.equal(new Set(['admin:1']));
  });

  it('the admin sets the tier: a reason is required; then the change is in the history on the admin page and on the agent’s dashboard', async () => {
    const refused = await admin.post(agentPage, act('overrideTier'), { agent_id: agentId, tier: 'gold', reason: ' ' });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('role="alert">a reason is required</span>');
    const ok = await admin.post(agentPage, act('overrideTier'), { agent_id: agentId, tier: 'gold', reason: 'moved from a partner network' });
    expect(ok.status).to.equal(303);
    expect((await f.host.agentTools.services.agents.get(agentId))!.tier).to.equal('gold');
    const page = (await admin.agent.get(agentPage)).text;
    expect(page).to.contain('data-testid="tier-history"').and.contain('moved from a partner network').and.contain('set by an admin');
    const dashboard = (await agentSession.agent.get(AGENT_PAGE)).text;
    expect(dashboard).to.match(/data-testid="tier-headline">Gold since \d{1,2} \w+ \d{4}<\/p>/);
    expect(dashboard).to.contain('To keep Gold: average sales of KES');
    expect(dashboard).to.contain('To reach Platinum: average sales of KES');
    expect(dashboard).to.contain('16 agent SIP trunk channels');
  });

  it('an agent cannot post the admin’s tier forms', async () => {
    const res = await agentSession.post(AGENT_PAGE, act('overrideTier'), { agent_id: agentId, tier: 'titanium', reason: 'self-promotion' });
    expect(res.status).to.not.equal(303);
    expect((await f.host.agentTools.services.agents.get(agentId))!.tier).to.equal('gold');
  });
});
