import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, agentAccount, session, startHost, type Session } from './support/host-fixture';
import { inTransaction } from '../module/db/transaction';
import { HOUSE } from '../module/ledger/accounts';
import { minor, neg } from '../module/money/amount';
import { verifyLedger } from '../module/ledger/verify';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const act = (a: string) => `${ADMIN_PAGE}&action=${a}`;

/** The admin's payouts pages through the reference host: due, a batch made, approved, its file, paid; refusals answer 422. */
onEachDatabase('the admin’s payouts pages', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let agentId: number;
  let withdrawalId: number;

  before(async () => {
    f = await startHost(current().db, '2026-05-04T10:00:00Z');
    admin = await session(f.host, { admin: true });
    const s = f.host.agentTools.services;
    ({ agentId } = await agentAccount(f.host, 'payee@example.com'));
    const agent = (await s.agents.get(agentId))!;
    const program = (await s.programs.get(agent.programId))!;
    await inTransaction(f.host.db, (trx) =>
      s.ledger.post(trx, {
        idemKey: 'page-fund',
        kind: 'test_fund',
        currency: program.currency,
        memo: 'released commission, for the payouts pages',
        postings: [
          { agentId: HOUSE, account: 'commission_expense', amount: neg(minor(15_000)) },
          { agentId, account: 'available', amount: minor(15_000) },
        ],
      }),
    );
    await s.payoutMethods.save(agentId, { kind: 'bank', holder: 'Payee Person', iban: 'DE89370400440532013000' }, { userId: null, adminId: 1, ip: '127.0.0.1' });
    withdrawalId = (await s.withdrawals.request(agent, program, '150.00')).id;
  });
  after(async () => {
    expect((await verifyLedger(f.host.db)).problems).to.deep.equal([]);
    await f.host.stop();
  });

  it('the due list shows the request under its program, currency and bank transfer, with the withdrawal’s own admin actions', async () => {
    const page = await admin.agent.get(`${act('payouts')}&cut_off=2026-05-04`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`data-testid="due-`).and.to.contain('Bank transfer: 1 payout');
    expect(page.text).to.match(new RegExp(`<td data-label="Withdrawal">${withdrawalId}</td>`));
    expect(page.text).to.contain(`data-testid="withdrawal-admin-actions-${withdrawalId}"`);
  });

  it('a batch without a currency is refused beside the form (422, #form-errors); the right one redirects to the batch', async () => {
    const program = (await f.host.agentTools.services.programs.bySlug('default'))!;
    const bad = await admin.post(act('payouts'), act('createPayoutBatch'), { program_id: program.id, currency: 'XX', method: 'bank', cut_off: '2026-05-04' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('id="form-errors"');
    const ok = await admin.post(act('payouts'), act('createPayoutBatch'), { program_id: program.id, currency: program.currency, method: 'bank', cut_off: '2026-05-04' });
    expect([ok.status, ok.headers.location]).to.deep.equal([303, `${act('payoutBatch')}&id=1&done=created`]);
    const batch = await admin.agent.get(`${act('payoutBatch')}&id=1`);
    expect(batch.text).to.contain('1 line, gross').and.to.contain('Approve');
  });

  it('approved, its bank file downloads as CSV; marking it paid without a reference is refused (422), with one it is paid', async () => {
    expect((await admin.post(`${act('payoutBatch')}&id=1`, act('approvePayoutBatch'), { batch_id: 1 })).status).to.equal(303);
    const file = await admin.agent.get(`${act('payoutBatchFile')}&id=1`);
    expect([file.status, file.headers['content-type'], file.headers['content-disposition']]).to.deep.equal([200, 'text/csv; charset=utf-8', 'attachment; filename="payout-batch-1-bank.csv"']);
    expect(file.text.split('\r\n')[1]).to.match(/^AT-1-1,Payee Person,DE89370400440532013000,,,/);
    const bad = await admin.post(`${act('payoutBatch')}&id=1`, act('markPayoutBatchPaid'), { batch_id: 1, reference: '' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('id="form-errors"');
    expect((await admin.post(`${act('payoutBatch')}&id=1`, act('markPayoutBatchPaid'), { batch_id: 1, reference: 'BANK-77' })).status).to.equal(303);
    const page = await admin.agent.get(`${act('payoutBatch')}&id=1&done=paid`);
    expect(page.text).to.contain('(BANK-77)').and.to.contain('closed');
    expect((await f.host.agentTools.services.withdrawals.get(withdrawalId))!.status).to.equal('paid');
  });
});
