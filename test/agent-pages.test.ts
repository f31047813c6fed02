import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { readProgramText, type Program } from '../module/programs/program-service';
import { defined } from './support/defined';

const EXAMPLES = path.resolve(__dirname, '../examples/programs');
const page = (action: string, query = '') => `/index.php?m=agenttools&action=${action}${query}`;

/** The text of the element with this data-testid, tags stripped (the pages' figures as a person reads them). */
function testId(html: string, id: string): string {
  const m = new RegExp(`<(\\w+)[^>]*data-testid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return m
    ? (m[2] ?? '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
    : '';
}

/** The ids of the commission rows a list page shows, in order. */
function rowIds(html: string): number[] {
  return [...html.matchAll(/data-testid="commission-(\d+)"/g)].map((m) => Number(m[1]));
}

/*
 * Cloud One (KES, 45 days' hold, KES 10,000.00 minimum, 5 % withholding tax). Ann's commissions,
 * each a manual commission on a client of hers:
 *   2026-01-05  27 × KES 100.00  client 1 (came by src=newsletter)
 *   2026-01-10   3 × KES 200.00  client 2 (src=youtube)
 *   2026-01-12   1 × KES 500.00  client 3 (assigned by an admin: no source; account closed since)
 * On 2026-02-20 the 27 of 5 January are released (their hold ends at the start of 19 February in
 * Nairobi); the other four are still pending. Carol earned KES 20,000.00 on 5 January, withdrew
 * it all and was paid: KES 1,000.00 tax withheld, KES 19,000.00 net.
 */
onEachDatabase("the agent's pages: commissions, referrals, payouts, terms and the home widget", ({ current }) => {
  let f: Fixture;
  let program: Program;
  let ann: Session;
  let bob: Session;
  let carol: Session;
  let annId: number;
  let carolId: number;
  const clients: number[] = [];
  const annCommissions: number[] = [];

  async function agent(email: string): Promise<number> {
    const clientId = await signUp(f.host, await session(f.host), email);
    return (await f.host.agentTools.services.agents.activateForClient(clientId, program.id)).id;
  }

  before(async () => {
    f = await startHost(current().db, '2026-01-05T07:00:00Z');
    const s = f.host.agentTools.services;
    program = (await s.programs.load(readProgramText(fs.readFileSync(path.join(EXAMPLES, 'cloud-one.yaml'), 'utf8')))).program;
    annId = await agent('ann@example.com');
    await agent('bob@example.com');
    carolId = await agent('carol@example.com');
    for (const [i, source] of (['newsletter', 'youtube', null] as const).entries()) {
      const c = await signUp(f.host, await session(f.host), `pages-c${i + 1}@example.com`);
      await s.assignments.assign(c, annId, 'admin', 'test');
      await current().db(T.referrals).where({ client_id: c }).update({ source });
      clients.push(c);
    }
    const earn = async (agentId: number, amount: string, clientId: number, n: number) => {
      for (let i = 0; i < n; i++) annCommissions.push((await s.manualCommissions.addManual(agentId, amount, 'test', `${clientId}-${f.clock.now()}-${i}`, clientId)).id);
    };
    await earn(annId, '100.00', defined(clients[0], 'c1'), 27);
    await s.manualCommissions.addManual(carolId, '20000.00', 'test', 'carol', 0);
    f.clock.set('2026-01-10T07:00:00Z');
    await earn(annId, '200.00', defined(clients[1], 'c2'), 3);
    f.clock.set('2026-01-12T07:00:00Z');
    await earn(annId, '500.00', defined(clients[2], 'c3'), 1);
    await s.assignments.markClosed(defined(clients[2], 'c3'));
    f.clock.set('2026-02-20T07:00:00Z');
    await s.releases.releaseDue();
    ann = await session(f.host, { email: 'ann@example.com' });
    bob = await session(f.host, { email: 'bob@example.com' });
    carol = await session(f.host, { email: 'carol@example.com' });
  });
  after(() => f?.host.stop());

  it('lists all 31 commissions 25 to a page, newest first, and the second page has the other 6', async () => {
    const first = (await ann.agent.get(page('commissions'))).text;
    expect(testId(first, 'commission-count')).to.equal('31 commissions');
    const ids = rowIds(first);
    expect(ids).to.have.length(25);
    // Newest first: client 3's KES 500.00, then client 2's three, then 21 of the 27.
    expect(ids[0]).to.equal(annCommissions[30]);
    expect(ids.slice(1, 4)).to.deep.equal([annCommissions[29], annCommissions[28], annCommissions[27]]);
    expect(testId(first, 'pager')).to.contain('Page 1 of 2');
    const second = (await ann.agent.get(page('commissions', '&page=2'))).text;
    expect(rowIds(second)).to.deep.equal(annCommissions.slice(0, 6).reverse());
  });

  it('filters by status, source and period, and its page links keep the filters', async () => {
    const available = (await ann.agent.get(page('commissions', '&status=available'))).text;
    expect(testId(available, 'commission-count')).to.equal('27 commissions');
    expect(available).to.contain('action=commissions&amp;status=available&amp;page=2');
    const second = (await ann.agent.get(page('commissions', '&status=available&page=2'))).text;
    expect(rowIds(second)).to.deep.equal([annCommissions[1], annCommissions[0]]);
    expect(testId((await ann.agent.get(page('commissions', '&status=pending'))).text, 'commission-count')).to.equal('4 commissions');
    const youtube = (await ann.agent.get(page('commissions', '&source=youtube'))).text;
    expect(rowIds(youtube)).to.deep.equal([annCommissions[29], annCommissions[28], annCommissions[27]]);
    expect(testId((await ann.agent.get(page('commissions', '&source=newsletter&status=pending'))).text, 'commission-count')).to.equal('0 commissions');
    // Calendar days in Nairobi, both ends included: 10 January alone, then 10 to 12 January.
    expect(testId((await ann.agent.get(page('commissions', '&from=2026-01-10&to=2026-01-10'))).text, 'commission-count')).to.equal('3 commissions');
    expect(testId((await ann.agent.get(page('commissions', '&from=2026-01-10&to=2026-01-12'))).text, 'commission-count')).to.equal('4 commissions');
  });

  it('a filter that is no filter is refused beside its field (422) and left out', async () => {
    const res = await ann.agent.get(page('commissions', '&from=2026-13-45&status=nonsense'));
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('id="form-errors"');
    expect(res.text).to.contain('aria-describedby="err-from"');
    expect(res.text).to.contain('aria-describedby="err-status"');
    expect(testId(res.text, 'commission-count')).to.equal('31 commissions');
  });

  it("a commission opens to its explanation and ledger history; another agent's id is a 404", async () => {
    const id = defined(annCommissions[0], 'the first commission');
    const res = await ann.agent.get(page('commission', `&id=${id}`));
    expect(res.status).to.equal(200);
    expect(testId(res.text, 'explanation')).to.contain('KES 100.00');
    expect(testId(res.text, 'commission-history')).to.match(/Earned \(on hold\).*KES 100\.00.*Released: available to withdraw.*KES 100\.00/);
    const stranger = await bob.agent.get(page('commission', `&id=${id}`));
    expect(stranger.status).to.equal(404);
    expect(stranger.text).not.to.contain('KES 100.00');
    expect((await ann.agent.get(page('commission', '&id=999999'))).status).to.equal(404);
    expect((await ann.agent.get(page('commission', '&id=abc'))).status).to.equal(404);
  });

  it('referrals sort by earnings, filter closed accounts, search by e-mail, and open only to their agent', async () => {
    const [c1, c2, c3] = clients;
    const order = (html: string) => [...html.matchAll(/data-testid="referral-(\d+)"/g)].map((m) => Number(m[1]));
    const most = (await ann.agent.get(page('referrals', '&sort=most'))).text;
    expect(order(most)).to.deep.equal([c1, c2, c3]);
    expect(testId(most, 'earned')).to.equal('KES 2,700.00');
    expect(order((await ann.agent.get(page('referrals', '&sort=least'))).text)).to.deep.equal([c3, c2, c1]);
    expect(order((await ann.agent.get(page('referrals', '&state=closed'))).text)).to.deep.equal([c3]);
    expect(order((await ann.agent.get(page('referrals', '&q=PAGES-C2%40example'))).text)).to.deep.equal([c2]);
    const one = await ann.agent.get(page('referral', `&id=${c2}`));
    expect(rowIds(one.text)).to.deep.equal([annCommissions[29], annCommissions[28], annCommissions[27]]);
    expect((await bob.agent.get(page('referral', `&id=${c2}`))).status).to.equal(404);
  });

  it('payouts show each payout gross, tax and net: KES 20,000.00 paid is KES 1,000.00 tax and KES 19,000.00 net', async () => {
    const s = f.host.agentTools.services;
    const carolAgent = defined(await s.agents.get(carolId), 'Carol');
    const w = await s.withdrawals.request(carolAgent, program, '20000.00');
    await s.withdrawals.markPaid(w.id, 1);
    const html = (await carol.agent.get(page('payouts'))).text;
    expect(testId(html, 'gross')).to.equal('KES 20,000.00');
    expect(testId(html, 'tax')).to.equal('KES 1,000.00 (5 %)');
    expect(testId(html, 'net')).to.equal('KES 19,000.00');
    expect(testId(html, 'status')).to.contain('paid');
    expect(testId(html, 'paid-gross')).to.equal('KES 20,000.00');
    expect(testId(html, 'tax-withheld')).to.equal('KES 1,000.00');
    expect(testId(html, 'withdrawn')).to.equal('KES 19,000.00');
    expect(html).to.contain(`action=payoutStatement&amp;id=${w.id}`);
    expect(testId(html, 'payout-rule')).to.contain('We withhold 5 % tax from each payout.');
  });

  it('the statement splits what is below the threshold from what can be withdrawn', async () => {
    const html = (await ann.agent.get(page('payouts'))).text;
    expect(testId(html, 'pending')).to.equal('KES 1,100.00');
    expect(testId(html, 'below-threshold')).to.equal('KES 2,700.00');
    expect(testId(html, 'available')).to.equal('KES 0.00');
    expect(testId(html, 'needed')).to.contain('KES 7,300.00');
    expect(html).not.to.contain('name="amount"');
  });

  it('the home widget: earned so far and still needed, and Request Withdrawal only from the threshold on', async () => {
    const annHome = (await ann.agent.get('/clientarea')).text;
    expect(testId(annHome, 'home-earned')).to.equal('Commission earned so far: KES 3,800.00');
    expect(testId(annHome, 'home-needed')).to.contain('KES 7,300.00');
    expect(annHome).not.to.contain('data-testid="home-request-withdrawal"');
    const s = f.host.agentTools.services;
    const dan = await agent('dan@example.com');
    await s.manualCommissions.addManual(dan, '10000.00', 'test', 'dan', 0);
    f.clock.set('2026-04-10T07:00:00Z');
    await s.releases.releaseDue();
    const danHome = (await (await session(f.host, { email: 'dan@example.com' })).agent.get('/clientarea')).text;
    expect(testId(danHome, 'home-earned')).to.equal('Commission earned so far: KES 10,000.00');
    expect(danHome).not.to.contain('data-testid="home-needed"');
    expect(danHome).to.contain('data-testid="home-request-withdrawal"');
  });

  it('the links page builds a link the redirect will honour, refuses a landing page off the allow-list, and shows earnings per source', async () => {
    const built = await ann.agent.get(page('links', '&landing=%2Fpricing&src=news_1'));
    expect(built.status).to.equal(200);
    expect(built.text).to.contain(`value="http://billing.test/aff.php?aff=${annId}&amp;src=news_1&amp;to=%2Fpricing"`);
    const refused = await ann.agent.get(page('links', '&landing=https%3A%2F%2Fevil.example%2F'));
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('aria-describedby="err-landing"');
    expect(refused.text).not.to.contain('data-testid="built-link"');
    // No clicks stored; one sign-up each. Client 1 came by newsletter: 27 × KES 100.00; client 2 by youtube: 3 × KES 200.00; client 3 by no link.
    expect(testId(built.text, 'source-newsletter')).to.equal('newsletter 0 1 KES 2,700.00');
    expect(testId(built.text, 'source-youtube')).to.equal('youtube 0 1 KES 600.00');
    expect(testId(built.text, 'unsourced')).to.contain('KES 500.00');
  });

  it('the terms name products and say the hold, threshold and tax', async () => {
    const html = (await ann.agent.get(page('terms'))).text;
    expect(testId(html, 'terms-program')).to.equal(program.name);
    expect(testId(html, 'terms-hold')).to.equal('45 days');
    expect(testId(html, 'terms-threshold')).to.equal('KES 10,000.00');
    expect(html).not.to.match(/>#\d+</);
  });
});
