import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { Scenario, expectRuleError } from './support/scenario';
import { T } from '../module/db/tables';
import { migrateHost } from '../host/db/migrations';
import { addClientCredit, clientCreditBalance } from '../host/services/client-credits';
import { CreditPayouts } from '../module/payouts/credit-payout';
import { WhmcsApi } from '../integrations/whmcs/host/whmcs-api';
import { WhmcsHostApi } from '../integrations/whmcs/host/whmcs-host-api';
import { BridgeHttp } from '../integrations/whmcs/host/bridge-http';
import { API_SECRET, IDENTIFIER, sampleWhmcs, startWhmcsFixture, type WhmcsFixture } from './support/whmcs-api-fixture';

onEachDatabase('credit to account: a payout as credit on the agent’s own client account', ({ current }) => {
  let s: Scenario;

  before(async () => {
    s = await new Scenario(current().db, '2026-02-02T09:00:00Z').start();
  });
  afterEach(async () => s.mustVerify());
  after(async () => s.stop());

  /** An agent of CloudPockets with a USD 100.00 request, tax 0. */
  async function requested(amount = '100.00') {
    const program = await s.program('cloudpockets.json');
    const agentId = await s.agent(program);
    const clientId = await s.signsUp();
    await s.services.assignments.assign(clientId, agentId, 'admin', 'test');
    await s.pays(clientId, [{ amount: 100_000 }]);
    await s.daysPass(31);
    return s.withdraw(agentId, amount);
  }

  it('credits the net amount once, whatever the retries: the second call returns the first credit', async () => {
    const w = await requested('100.00');
    const agent = (await s.services.agents.get(w.agentId))!;
    const first = await s.services.creditPayouts.creditPayout(w);
    expect(first).to.deep.include({ client_id: agent.clientId, amount_minor: 10_000, currency: 'USD' });
    const again = await s.services.creditPayouts.creditPayout(w);
    expect(again).to.deep.equal(first);
    const both = await Promise.all([s.services.creditPayouts.creditPayout(w), s.services.creditPayouts.creditPayout(w)]);
    expect(both).to.deep.equal([first, first]);
    expect([...s.host.credits.values()].filter((c) => c.client_id === agent.clientId)).to.deep.equal([first]);
    expect(s.host.credits.get(CreditPayouts.keyOf(w.id))).to.deep.equal(first);
    const rows = await s.db(T.payoutCredits).where({ withdrawal_id: w.id });
    expect(rows.map((r) => [Number(r.client_id), r.currency, Number(r.amount_minor), r.host_credit_id])).to.deep.equal([[agent.clientId, 'USD', 10_000, first.id]]);
    // The ledger is the batch's to move: the money is still reserved until the line is marked paid.
    expect(await s.balances(w.agentId)).to.deep.include({ available: 0, reserved: 10_000 });
  });

  it('credits what is left after the tax kept back', async () => {
    const w = await requested('80.00');
    const credit = await s.services.creditPayouts.creditPayout({ ...w, taxBp: 500, tax: 400 as typeof w.tax });
    expect(credit.amount_minor).to.equal(7_600);
  });

  it('refuses a withdrawal ended before it was paid, and one in a currency the client is not billed in', async () => {
    const ended = await requested('60.00');
    await s.services.withdrawalEnding.reject(ended.id, 1, 'no');
    await expectRuleError(s.services.creditPayouts.creditPayout((await s.services.withdrawals.get(ended.id))!), 'withdrawal_id', /rejected/);

    const w = await requested('60.00');
    const agent = (await s.services.agents.get(w.agentId))!;
    s.host.clients.get(agent.clientId)!.currency = 'EUR';
    await expectRuleError(s.services.creditPayouts.creditPayout(w), 'withdrawal_id', /is in USD, but the agent’s account is billed in EUR/);
    expect(s.host.credits.has(CreditPayouts.keyOf(w.id))).to.equal(false);
    expect(await s.db(T.payoutCredits).where({ withdrawal_id: w.id })).to.deep.equal([]);
    s.host.clients.get(agent.clientId)!.currency = 'USD';
  });
});

onEachDatabase('the reference host’s addCredit: host_credits, idempotent by key', ({ current }) => {
  let clientId: number;
  before(async () => {
    const db = current().db;
    await migrateHost(db);
    const [id] = await db('host_clients').insert({ firstname: 'Jane', lastname: 'Wanjiru', email: 'jane@example.com', status: 'Active', currency: 'KES', created_at: 0 });
    clientId = Number(id);
  });

  it('a second call with the same key returns the first credit and adds nothing, even at once', async () => {
    const db = current().db;
    const first = await addClientCredit(db, 1_000, clientId, 1_900_000, 'KES', 'Agent commission payout #42', 'agenttools-payout-42');
    expect(first).to.deep.include({ client_id: clientId, amount_minor: 1_900_000, currency: 'KES', created_at: 1_000 });
    expect(await addClientCredit(db, 2_000, clientId, 1_900_000, 'KES', 'again', 'agenttools-payout-42')).to.deep.equal(first);
    const at = await Promise.all([1, 2, 3].map((n) => addClientCredit(db, 3_000 + n, clientId, 50_000, 'KES', 'at once', 'agenttools-payout-43')));
    expect(new Set(at.map((c) => c.id)).size).to.equal(1);
    expect(await db('host_credits').where({ client_id: clientId }).count({ n: '*' })).to.deep.equal([{ n: 2 }]);
    expect(await clientCreditBalance(db, clientId)).to.equal(1_950_000);
  });

  it('refuses a key reused for another amount, another currency, a missing client or a non-positive amount', async () => {
    const db = current().db;
    await addClientCredit(db, 1, clientId, 100, 'KES', 'x', 'k-1');
    const refused = async (p: Promise<unknown>, message: RegExp) =>
      p.then(
        () => expect.fail('accepted'),
        (e: Error) => expect(e.message).to.match(message),
      );
    await refused(addClientCredit(db, 1, clientId, 101, 'KES', 'x', 'k-1'), /used before/);
    await refused(addClientCredit(db, 1, clientId, 100, 'USD', 'x', 'k-2'), /pays in KES, not USD/);
    await refused(addClientCredit(db, 1, 999_999, 100, 'KES', 'x', 'k-3'), /does not exist/);
    await refused(addClientCredit(db, 1, clientId, 0, 'KES', 'x', 'k-4'), /positive/);
    expect(await clientCreditBalance(db, clientId)).to.equal(1_950_100);
  });
});

describe('the WHMCS bridge’s addCredit: AddCredit, the key kept in the credit’s description', () => {
  let whmcs: WhmcsFixture;
  let host: WhmcsHostApi;
  before(async () => {
    whmcs = await startWhmcsFixture(sampleWhmcs());
    host = new WhmcsHostApi({
      api: new WhmcsApi({ url: whmcs.url, identifier: IDENTIFIER, secret: API_SECRET }),
      siteUrl: 'https://billing.example.com/',
      http: new BridgeHttp('https://billing.example.com'),
    });
  });
  after(() => whmcs.close());

  it('adds USD 1,900.50 once: a second call finds it by its key and adds nothing', async () => {
    const first = await host.addCredit(1, 190_050, 'USD', 'Agent commission payout #42', 'agenttools-payout-42');
    expect(first).to.deep.include({ client_id: 1, amount_minor: 190_050, currency: 'USD' });
    const added = whmcs.calls.filter((c) => c.action === 'AddCredit');
    expect(added.map((c) => c.params)).to.deep.equal([{ clientid: '1', description: 'Agent commission payout #42 [agenttools-payout-42]', amount: '1900.50' }]);
    expect(await host.addCredit(1, 190_050, 'USD', 'Agent commission payout #42', 'agenttools-payout-42')).to.deep.equal(first);
    expect(whmcs.calls.filter((c) => c.action === 'AddCredit')).to.have.length(1);
    expect(whmcs.data.credits).to.have.length(1);
    // Another payout is another credit.
    const other = await host.addCredit(1, 5_000, 'USD', 'Agent commission payout #43', 'agenttools-payout-43');
    expect(other.id).not.to.equal(first.id);
    expect(whmcs.data.credits!.map((c) => c.amount)).to.deep.equal(['1900.50', '50.00']);
  });

  it('refuses a currency the client is not billed in, a missing client, and a key reused for another amount', async () => {
    const refused = async (p: Promise<unknown>, message: RegExp) =>
      p.then(
        () => expect.fail('accepted'),
        (e: Error) => expect(e.message).to.match(message),
      );
    await refused(host.addCredit(1, 100, 'EUR', 'x', 'agenttools-payout-50'), /pays in USD, not EUR/);
    await refused(host.addCredit(404, 100, 'USD', 'x', 'agenttools-payout-51'), /does not exist/);
    await refused(host.addCredit(1, 999, 'USD', 'x', 'agenttools-payout-42'), /another amount/);
    expect(whmcs.data.credits).to.have.length(2);
  });
});
