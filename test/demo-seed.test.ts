import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { seedDemo } from '../host/seed';
import { MemoryLogger } from '../module/core/logger';
import { T } from '../module/db/tables';
import { verifyLedger } from '../module/ledger/verify';

/** What `npm start` shows a first-time visitor: an agent with money in every state. */
onEachDatabase('the demo data of npm start', ({ current }) => {
  before(() => seedDemo(current().db, new MemoryLogger()));

  it('has an admin, an agent with clicks and sign-ups, and clients', async () => {
    const db = current().db;
    expect(await db('host_admins')).to.have.length(1);
    expect(await db(T.agents)).to.have.length(3);
    expect(Number((await db(T.clicks).count({ n: '*' }).first())?.n)).to.equal(14);
    expect(await db(T.referrals)).to.have.length(5);
    expect((await db(T.programs).orderBy('slug')).map((p) => p.slug)).to.deep.equal(['cloud-one', 'cloudcodes', 'cloudlessons', 'cloudpockets', 'cloudsigma', 'default']);
    expect((await db(T.referrals).whereNotNull('closed_at')).length).to.equal(1);
  });

  it('has a text link for the agents to share, and a CloudCodes agent with a registered domain', async () => {
    const db = current().db;
    expect((await db(T.creatives)).map((c) => [c.kind, c.link_text])).to.deep.equal([['text', 'Cloud servers from $5 a month']]);
    const [registration] = await db(T.domains);
    const dana = await db(T.agents).where({ id: registration.agent_id }).first();
    expect([registration.domain, (await db(T.programs).where({ id: dana.program_id }).first()).slug]).to.deep.equal(['acme-widgets.example', 'cloudcodes']);
  });

  it('has commissions pending, available and voided, and a paid withdrawal, to the cent', async () => {
    const db = current().db;
    const rows: { status: string; s: string | number }[] = await db(T.commissions).where({ currency: 'USD' }).select('status').sum({ s: 'amount_minor' }).groupBy('status');
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.s)]));
    expect(byStatus).to.deep.equal({ available: 10_000, pending: 300, voided: 150 });
    const [tom] = await db(T.commissions).where({ currency: 'KES' });
    expect([Number(tom.amount_minor), tom.role, tom.status]).to.deep.equal([756_000, 'sales+technical', 'pending']);
    const [w] = await db(T.withdrawals);
    expect([w.status, Number(w.amount_minor)]).to.deep.equal(['paid', 5_000]);
    expect((await verifyLedger(db)).problems).to.deep.equal([]);
  });
});
