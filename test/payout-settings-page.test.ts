import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, agentAccount, session, startHost } from './support/host-fixture';
import { EXAMPLES } from './support/scenario';
import { readProgramText } from '../module/programs/program-service';
import { verifyLedger } from '../module/ledger/verify';

const CLIENT = '/index.php?m=agenttools';
const ADMIN = '/admin/addonmodules.php?module=agenttools';
const SETTINGS = `${CLIENT}&action=payoutSettings`;

onEachDatabase('the agent’s payout settings and the request buttons, through the reference host', ({ current }) => {
  let f: Fixture;
  before(async () => {
    f = await startHost(current().db);
  });
  after(async () => {
    expect((await verifyLedger(current().db)).problems).to.deep.equal([]);
    await f.host.stop();
  });

  it('a Cloud One agent records M-Pesa: offered only what the program allows, saved, shown masked, e-mailed', async () => {
    const s = f.host.agentTools.services;
    const { program } = await s.programs.load(readProgramText(fs.readFileSync(path.join(EXAMPLES, 'cloud-one.yaml'), 'utf8')));
    const { clientId } = await agentAccount(f.host, 'wanjiru@example.com');
    const agent = (await s.agents.byClient(clientId))!;
    await current().db('mod_agenttools_agents').where({ id: agent.id }).update({ program_id: program.id });
    const me = await session(f.host, { email: 'wanjiru@example.com' });

    const page = await me.agent.get(SETTINGS);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('no payout method yet');
    for (const kind of ['mpesa', 'bank', 'credit']) expect(page.text).to.contain(`id="kind-${kind}"`);
    expect(page.text).not.to.contain('id="kind-paypal"');

    const saved = await me.post(SETTINGS, `${CLIENT}&action=savePayoutMethod`, { kind: 'mpesa', phone: '0712 345 678' });
    expect(saved.status).to.equal(303);
    expect(saved.headers.location).to.equal(`${SETTINGS}&done=saved`);
    const after = await me.agent.get(saved.headers.location as string);
    expect(after.text).to.contain('Your payout method was saved.');
    expect(after.text).to.contain('You are paid by: M-Pesa +254 7•• ••• 678');
    expect(after.text).to.contain('data-testid="payout-method-history"');
    expect(after.text).not.to.contain('712345678');
    const mail = await current().db('host_emails').where({ to: 'wanjiru@example.com' }).orderBy('id', 'desc').first();
    expect(mail.subject).to.equal('Your payout method was changed');
    expect(mail.text).to.contain('to M-Pesa +254 7•• ••• 678');

    const refused = await me.post(SETTINGS, `${CLIENT}&action=savePayoutMethod`, { kind: 'bank', holder: 'Wanjiru', iban: 'DE89 3704 0044 0532 0130 01' });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('id="form-errors"');
    expect(refused.text).to.match(/id="pm-iban" name="iban" value="DE89 3704 0044 0532 0130 01"[^>]*aria-invalid="true" aria-describedby="err-iban"/);
    expect(refused.text).to.contain('id="err-iban"');
    expect(refused.text).to.contain('This IBAN is not valid');
    expect(await s.payoutMethods.view(agent.id)).to.deep.include({ kind: 'mpesa' });
  });

  it('the agent cancels their own request from Payouts; an admin rejects another with a reason', async () => {
    const s = f.host.agentTools.services;
    const { clientId, agentId } = await agentAccount(f.host, 'ann@example.com');
    await s.manualCommissions.addManual(agentId, '300.00', 'test', 'page-1');
    f.clock.advanceDays(100);
    await s.releases.releaseDue();
    const agent = (await s.agents.get(agentId))!;
    const program = (await s.programs.get(agent.programId))!;
    const mine = await s.withdrawals.request(agent, program, '100.00');
    const other = await s.withdrawals.request(agent, program, '150.00');
    expect(clientId).to.equal(agent.clientId);

    const ann = await session(f.host, { email: 'ann@example.com' });
    const payouts = await ann.agent.get(`${CLIENT}&action=payouts`);
    expect(payouts.text).to.contain(`data-testid="withdrawal-cancel-${mine.id}"`);
    const cancelled = await ann.post(`${CLIENT}&action=payouts`, `${CLIENT}&action=cancelWithdrawal`, { withdrawal_id: mine.id });
    expect(cancelled.status).to.equal(303);
    const back = await ann.agent.get(cancelled.headers.location as string);
    expect(back.text).to.contain('Your withdrawal request of USD\u00a0100.00 was cancelled; the money is back in your available balance.');
    expect((await s.withdrawals.get(mine.id))!.status).to.equal('cancelled');
    const twice = await ann.post(`${CLIENT}&action=payouts`, `${CLIENT}&action=cancelWithdrawal`, { withdrawal_id: mine.id });
    expect(twice.status).to.equal(422);
    expect(twice.text).to.contain('it is cancelled, back in your balance');

    // Wanjiru (another agent) cannot cancel Ann's.
    const wanjiru = await session(f.host, { email: 'wanjiru@example.com' });
    const foreign = await wanjiru.post(SETTINGS, `${CLIENT}&action=cancelWithdrawal`, { withdrawal_id: other.id });
    expect(foreign.status).to.equal(422);
    expect((await s.withdrawals.get(other.id))!.status).to.equal('requested');

    const admin = await session(f.host, { admin: true });
    const list = await admin.agent.get(`${ADMIN}&action=withdrawals`);
    expect(list.text).to.contain(`data-testid="reject-withdrawal-${other.id}"`);
    const noReason = await admin.post(`${ADMIN}&action=withdrawals`, `${ADMIN}&action=rejectWithdrawal`, { withdrawal_id: other.id, reason: '', back: 'withdrawals' });
    expect(noReason.status).to.equal(422);
    expect(noReason.text).to.contain('Give a reason: the agent reads it.');
    expect(noReason.text).to.contain(`aria-describedby="err-reject-reason-${other.id}"`);
    const rejected = await admin.post(`${ADMIN}&action=withdrawals`, `${ADMIN}&action=rejectWithdrawal`, { withdrawal_id: other.id, reason: 'Wrong program', back: 'withdrawals' });
    expect(rejected.status).to.equal(303);
    expect(rejected.headers.location).to.equal(`${ADMIN}&action=withdrawals&done=withdrawalRejected`);
    expect((await s.withdrawals.get(other.id))!).to.deep.include({ status: 'rejected', reason: 'Wrong program' });
    const balances = await s.ledger.balances(agentId, program.currency);
    expect([balances.available, balances.reserved]).to.deep.equal([30_000, 0]);
    const mail = await current().db('host_emails').where({ to: 'ann@example.com' }).orderBy('id', 'desc').first();
    expect(mail.text).to.contain('The reason given: Wrong program');
  });
});
