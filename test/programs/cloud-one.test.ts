import { expect } from 'chai';
import { onEachDatabase } from '../support/databases';
import { Scenario } from '../support/scenario';
import type { Program } from '../../module/programs/program-service';

onEachDatabase('Cloud One agent program', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    s = await new Scenario(current().db, '2026-03-02T09:00:00Z').start();
    s.defaultCurrency = 'KES';
    program = await s.program('cloud-one.yaml');
  });
  after(async () => {
    await s.mustVerify();
    await s.stop();
  });

  it('a Titanium agent who sold and performed a training service with advanced certification, and met the targets, earns 63 %: KES 7,560.00 on KES 12,000.00', async () => {
    const agent = await s.agent(program, { tier: 'titanium', certification: 'advanced' });
    await s.core.agents.setTargetsMet(agent, '2026-03', true);
    const client = await s.referredClient(agent);
    const invoice = s.unpaid(client, [{ amount: 1_200_000, category: 'Training & Support' }]);
    await s.core.agents.recordPerformer(invoice.lineIds[0]!, agent);
    await invoice.pay();
    expect(await s.commissionsOf(invoice.invoiceId)).to.deep.equal([[agent, 756_000, 'pending']]);
    const [c] = await s.core.commissions.forInvoice(invoice.invoiceId);
    expect(c!.parts.map((p) => [p.kind, p.bp, p.certification])).to.deep.equal([
      ['sales', 2000, undefined],
      ['technical', 4000, 'advanced'],
      ['bonus', 300, undefined],
    ]);
  });
});
