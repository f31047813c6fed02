import { expect } from 'chai';
import { ZodError } from 'zod';
import { onEachDatabase } from './support/databases';
import { type Fixture, startHost } from './support/host-fixture';
import { T } from '../module/db/tables';
import { renderEmail } from '../module/notifications/email-template';

/**
 * A row the module never writes (a permission no client can grant, a status no code sets) is
 * refused where it is read, instead of being passed on as if it were one of the known values.
 */
onEachDatabase('stored rows of the agent-facing services', ({ current }) => {
  let f: Fixture;

  before(async () => {
    f = await startHost(current().db);
  });
  after(() => f.host.stop());

  it('reads a service manager grant back with its permissions, and refuses one that names a permission no client can grant', async () => {
    const { serviceManagers } = f.host.agentTools.services;
    await current().db(T.serviceManagers).insert({ client_id: 901, agent_id: 31, permissions: '["invoices","tickets"]', granted_by: 'client', granted_at: 1_767_607_200_000 });
    expect(await serviceManagers.forClient(901)).to.deep.equal({ clientId: 901, agentId: 31, permissions: ['invoices', 'tickets'], grantedBy: 'client', grantedAt: 1_767_607_200_000 });
    await current().db(T.serviceManagers).insert({ client_id: 902, agent_id: 31, permissions: '["invoices","password"]', granted_by: 'client', granted_at: 1_767_607_200_000 });
    const refused = await serviceManagers.forClient(902).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(ZodError).with.nested.property('issues[0].path').that.deep.equals([1]);
  });

  it('refuses a sign-in as client whose stored permissions are not a list of grantable ones', async () => {
    const { signIns } = f.host.agentTools.services;
    await current().db(T.signIns).insert({ id: 'aaaaaaaaaaaaaaaaaaaaaa', agent_id: 31, client_id: 901, permissions: '["tickets"]', started_at: 1, expires_at: 2 });
    expect(await signIns.get('aaaaaaaaaaaaaaaaaaaaaa')).to.include({ agentId: 31, clientId: 901, endedAt: null, endReason: null });
    await current().db(T.signIns).insert({ id: 'bbbbbbbbbbbbbbbbbbbbbb', agent_id: 31, client_id: 901, permissions: '{"tickets":true}', started_at: 1, expires_at: 2 });
    const refused = await signIns.get('bbbbbbbbbbbbbbbbbbbbbb').then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(ZodError);
  });

  it('refuses a withdrawal whose status is none of the statuses a withdrawal can have', async () => {
    const { withdrawals } = f.host.agentTools.services;
    const row = { agent_id: 31, currency: 'USD', amount_minor: 5_000, tax_bp: 0, tax_minor: 0, requested_at: 1 };
    const [paid] = await current()
      .db(T.withdrawals)
      .insert({ ...row, status: 'paid', paid_at: 2 });
    expect(await withdrawals.get(Number(paid))).to.include({ amount: 5_000, status: 'paid', paidAt: 2 });
    const [odd] = await current()
      .db(T.withdrawals)
      .insert({ ...row, status: 'refunded' });
    const refused = await withdrawals.get(Number(odd)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(TypeError).with.property('message', 'unexpected value "refunded", not one of requested, paid, forfeited, in_batch, failed, rejected, cancelled');
  });

  it('refuses a creative of a kind other than image or text, rather than showing it as a text link', async () => {
    const { creatives } = f.host.agentTools.services;
    const [id] = await current().db(T.creatives).insert({ kind: 'video', name: 'Spot', alt: '', status: 'active', created_by: 'admin', created_at: 1 });
    const refused = await creatives.get(Number(id)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(TypeError).with.property('message').that.includes('"video"');
  });
});

describe('agent e-mail templates print text only', () => {
  it('refuses a template that prints an object, instead of sending "[object Object]" to the agent', async () => {
    const invoice = { id: 7, total_minor: 12_345, currency: 'USD', lines: [{ description: { en: 'Backup' }, amount_minor: 12_345 }] };
    const refused = await renderEmail('invoice-paid', 'english', { client: { name: 'Seán' }, agent: { name: 'Ann' }, url: 'http://billing.test', invoice }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(TypeError).with.property('message').that.includes('an e-mail template printed a value of type object, not text');
  });
});
