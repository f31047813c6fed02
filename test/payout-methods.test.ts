import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { Scenario, expectRuleError } from './support/scenario';
import { T } from '../module/db/tables';
import { PayoutCipher, PayoutKeys, keyId } from '../module/payouts/payout-cipher';
import { maskPayoutDetails, parsePayoutDetails } from '../module/payouts/payout-details';
import { PayoutMethodService } from '../module/payouts/payout-method-service';
import { renderEmail } from '../module/notifications/email-template';
import { MemoryLogger } from '../module/core/logger';
import { SettingsStore } from '../module/settings/settings-store';
import type { Program } from '../module/programs/program-service';

const key = (n: number) => Buffer.alloc(32, n);
const b64 = (n: number) => key(n).toString('base64');

describe('payout details at rest: AES-256-GCM with a key id', () => {
  it('opens what it sealed, for the same agent only', () => {
    const c = new PayoutCipher(key(1));
    const sealed = c.seal('{"kind":"mpesa","phone":"+254712345678"}', 'agent:7');
    expect(sealed.startsWith(`v1.${keyId(key(1))}.`)).to.equal(true);
    expect(sealed).not.to.contain('254712345678');
    expect(c.open(sealed, 'agent:7')).to.equal('{"kind":"mpesa","phone":"+254712345678"}');
    expect(() => c.open(sealed, 'agent:8')).to.throw();
  });

  it('refuses a ciphertext changed in any part: data, tag or iv', () => {
    const c = new PayoutCipher(key(1));
    const sealed = c.seal('secret details', 'agent:1');
    const parts = sealed.split('.');
    for (const i of [2, 3, 4]) {
      const bytes = Buffer.from(parts[i]!, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      const tampered = parts.map((p, j) => (j === i ? bytes.toString('base64url') : p)).join('.');
      expect(() => c.open(tampered, 'agent:1'), `part ${i}`).to.throw();
    }
  });

  it('after a rotation reads the old key and seals with the new; an unknown key is named', () => {
    const old = new PayoutCipher(key(1));
    const sealed = old.seal('bank details', 'agent:1');
    const rotated = new PayoutCipher(key(2), [key(1)]);
    expect(rotated.open(sealed, 'agent:1')).to.equal('bank details');
    expect(PayoutCipher.keyOf(rotated.seal('x', 'agent:1'))).to.equal(keyId(key(2)));
    expect(() => new PayoutCipher(key(2)).open(sealed, 'agent:1')).to.throw(new RegExp(keyId(key(1))));
  });

  it('refuses a key that is not 32 bytes', async () => {
    const keys = new PayoutKeys({ AGENTTOOLS_PAYOUT_KEY: Buffer.alloc(16).toString('base64') }, { get: () => Promise.resolve(null), init: (_k, v) => Promise.resolve(v) });
    await keys.cipher().then(
      () => expect.fail('a 16-byte key was taken'),
      (e: Error) => expect(e.message).to.match(/32 bytes/),
    );
  });
});

describe('payout details: checked, normalised and masked', () => {
  const all = ['bank', 'mpesa', 'paypal', 'credit'] as const;
  it('an IBAN typed with spaces is stored without them and shown as DE•• •••• 3000', () => {
    const d = parsePayoutDetails({ kind: 'bank', holder: ' Jane Wanjiru ', iban: 'de89 3704 0044 0532 0130 00' }, all);
    expect(d).to.deep.equal({ kind: 'bank', holder: 'Jane Wanjiru', iban: 'DE89370400440532013000', accountNumber: null, bankCode: null });
    expect(maskPayoutDetails(d)).to.equal('DE•• •••• 3000');
  });
  it('a Kenyan account number and bank code, shown by the last four digits', () => {
    const d = parsePayoutDetails({ kind: 'bank', holder: 'Jane', account_number: '1234-5678-9012', bank_code: 'kcblkenx' }, all);
    expect(d).to.deep.equal({ kind: 'bank', holder: 'Jane', iban: null, accountNumber: '123456789012', bankCode: 'KCBLKENX' });
    expect(maskPayoutDetails(d)).to.equal('•••• 9012 (KCBLKENX)');
  });
  it('"0712 345 678" is +254712345678, shown as +254 7•• ••• 678', () => {
    const d = parsePayoutDetails({ kind: 'mpesa', phone: '0712 345 678' }, all);
    expect(d).to.deep.equal({ kind: 'mpesa', phone: '+254712345678' });
    expect(maskPayoutDetails(d)).to.equal('+254 7•• ••• 678');
    expect(parsePayoutDetails({ kind: 'mpesa', phone: '+254 712 345678' }, all)).to.deep.equal(d);
  });
  it('PayPal by e-mail, lower-cased and shown as j•••@example.com', () => {
    const d = parsePayoutDetails({ kind: 'paypal', email: 'Jane@Example.com' }, all);
    expect(d).to.deep.equal({ kind: 'paypal', email: 'jane@example.com' });
    expect(maskPayoutDetails(d)).to.equal('j•••@example.com');
  });
  it('refuses each bad field beside it', () => {
    const refused = (values: Record<string, string>, allowed: readonly (typeof all)[number][] = all) => {
      try {
        parsePayoutDetails(values, allowed);
      } catch (e) {
        return (e as { field?: string }).field;
      }
      return 'accepted';
    };
    expect(refused({ kind: 'bank', holder: 'Jane', iban: 'DE89 3704 0044 0532 0130 01' })).to.equal('iban');
    expect(refused({ kind: 'bank', iban: 'DE89370400440532013000' })).to.equal('holder');
    expect(refused({ kind: 'bank', holder: 'x'.repeat(141), iban: 'DE89370400440532013000' })).to.equal('holder');
    expect(refused({ kind: 'bank', holder: 'Jane', account_number: '12', bank_code: 'KCB' })).to.equal('account_number');
    expect(refused({ kind: 'bank', holder: 'Jane', account_number: '12345678' })).to.equal('bank_code');
    expect(refused({ kind: 'mpesa', phone: '+255 712 345 678' })).to.equal('phone'); // Tanzania
    expect(refused({ kind: 'mpesa', phone: '0712' })).to.equal('phone');
    expect(refused({ kind: 'paypal', email: 'not an address' })).to.equal('email');
    expect(refused({ kind: 'paypal', email: 'jane@example.com' }, ['bank'])).to.equal('kind');
    expect(refused({ kind: 'cash' })).to.equal('kind');
    expect(refused({})).to.equal('kind');
  });
});

onEachDatabase('payout methods per agent', ({ current }) => {
  let s: Scenario;
  let program: Program;
  const ip = '198.51.100.7';

  before(async () => {
    s = await new Scenario(current().db, '2026-03-01T09:00:00Z').start();
    program = await s.program('cloud-one.yaml');
  });
  after(async () => {
    await s.mustVerify();
    await s.stop();
  });

  const service = (env: Record<string, string | undefined>) =>
    new PayoutMethodService({
      db: s.db,
      keys: new PayoutKeys(env, new SettingsStore(s.db)),
      agents: s.services.agents,
      programs: s.services.programs,
      host: s.host,
      render: (template, data) => renderEmail(template, 'english', data),
      clock: s.clock,
      logger: new MemoryLogger(),
    });

  it('Cloud One allows M-Pesa, bank and credit; a program without the line, bank only', async () => {
    expect(program.def.payout.methods).to.deep.equal(['mpesa', 'bank', 'credit']);
    const plain = await s.program({ ...program.def, slug: 'plain-program', payout: { thresholds: { KES: '100.00' } } });
    expect(plain.def.payout.methods).to.deep.equal(['bank']);
  });

  it('an agent records M-Pesa: stored sealed, shown masked, read back whole, logged and e-mailed', async () => {
    const agentId = await s.agent(program);
    const agent = (await s.services.agents.get(agentId))!;
    const methods = s.services.payoutMethods;
    const mailsBefore = s.host.emails.length;
    const saved = await methods.save(agentId, { kind: 'mpesa', phone: '0712 345 678' }, { userId: agent.clientId, ip });
    expect(saved).to.deep.include({ kind: 'mpesa', masked: '+254 7•• ••• 678' });

    const row = await s.db(T.payoutMethods).where({ agent_id: agentId }).first();
    expect(row.details_enc).not.to.contain('712345678');
    expect(row.details_enc).not.to.contain('mpesa');
    expect(row.masked).to.equal('+254 7•• ••• 678');
    expect(await methods.forAgent(agentId)).to.deep.equal({ kind: 'mpesa', phone: '+254712345678' });

    const log = await methods.history(agentId);
    expect(log).to.have.length(1);
    expect(log[0]).to.deep.include({ userId: agent.clientId, adminId: null, oldKind: null, oldMasked: null, newKind: 'mpesa', newMasked: '+254 7•• ••• 678', ip, createdAt: s.clock.now() });
    const mail = s.host.emails.slice(mailsBefore);
    expect(mail).to.have.length(1);
    expect(mail[0]!.to).to.equal(`client${agent.clientId}@example.com`);
    expect(mail[0]!.subject).to.equal('Your payout method was changed');
    expect(mail[0]!.text).to.contain('from no payout method yet to M-Pesa +254 7•• ••• 678, from the address 198.51.100.7');
    expect(mail[0]!.text).not.to.contain('712345678');

    // To a bank account: old → new, masked, in the log and the e-mail.
    s.clock.advanceDays(1);
    await methods.save(agentId, { kind: 'bank', holder: 'Jane Wanjiru', iban: 'GB82 WEST 1234 5698 7654 32' }, { userId: agent.clientId, ip: '203.0.113.9' });
    const [latest] = await methods.history(agentId);
    expect(latest).to.deep.include({ oldKind: 'mpesa', oldMasked: '+254 7•• ••• 678', newKind: 'bank', newMasked: 'GB•• •••• 5432', ip: '203.0.113.9' });
    expect(s.host.emails.at(-1)!.text).to.contain('from M-Pesa +254 7•• ••• 678 to Bank transfer GB•• •••• 5432');
    expect(await methods.forAgent(agentId)).to.deep.equal({ kind: 'bank', holder: 'Jane Wanjiru', iban: 'GB82WEST12345698765432', accountNumber: null, bankCode: null });

    // The same details again change nothing and tell no one.
    const mails = s.host.emails.length;
    await methods.save(agentId, { kind: 'bank', holder: 'Jane Wanjiru', iban: 'GB82WEST12345698765432' }, { userId: agent.clientId, ip });
    expect(await methods.history(agentId)).to.have.length(2);
    expect(s.host.emails.length).to.equal(mails);
  });

  it('refuses a method the program does not allow, and changes nothing', async () => {
    const agentId = await s.agent(program);
    await expectRuleError(s.services.payoutMethods.save(agentId, { kind: 'paypal', email: 'jane@example.com' }, { ip }), 'kind');
    expect(await s.services.payoutMethods.view(agentId)).to.equal(null);
    expect(await s.services.payoutMethods.history(agentId)).to.deep.equal([]);
    expect(await s.services.payoutMethods.forAgent(agentId)).to.equal(null);
  });

  it('a row moved onto another agent does not open', async () => {
    const a = await s.agent(program);
    const b = await s.agent(program);
    await s.services.payoutMethods.save(a, { kind: 'mpesa', phone: '0722 000 111' }, { ip });
    await s.services.payoutMethods.save(b, { kind: 'credit' }, { ip });
    const sealedA = (await s.db(T.payoutMethods).where({ agent_id: a }).first()).details_enc;
    const sealedB = (await s.db(T.payoutMethods).where({ agent_id: b }).first()).details_enc;
    await s.db(T.payoutMethods).where({ agent_id: b }).update({ details_enc: sealedA });
    await s.services.payoutMethods.forAgent(b).then(
      () => expect.fail('a ciphertext of agent A opened as agent B'),
      (e: Error) => expect(e.message).to.match(/unable to authenticate|auth/i),
    );
    await s.db(T.payoutMethods).where({ agent_id: b }).update({ details_enc: sealedB });
  });

  it('a key rotation: the old key still reads, rows are sealed again lazily or all at once', async () => {
    const first = service({ AGENTTOOLS_PAYOUT_KEY: b64(1) });
    const x = await s.agent(program);
    const y = await s.agent(program);
    await first.save(x, { kind: 'mpesa', phone: '0712 345 678' }, { ip });
    await first.save(y, { kind: 'bank', holder: 'Y', account_number: '12345678', bank_code: '01' }, { ip });
    expect((await s.db(T.payoutMethods).where({ agent_id: x }).first()).key_id).to.equal(keyId(key(1)));

    // Without the old key, nothing opens.
    await service({ AGENTTOOLS_PAYOUT_KEY: b64(2) })
      .forAgent(x)
      .then(
        () => expect.fail('opened without its key'),
        (e: Error) => expect(e.message).to.contain(keyId(key(1))),
      );

    const rotated = service({ AGENTTOOLS_PAYOUT_KEY: b64(2), AGENTTOOLS_PAYOUT_OLD_KEYS: b64(1) });
    expect(await rotated.forAgent(x)).to.deep.equal({ kind: 'mpesa', phone: '+254712345678' });
    expect((await s.db(T.payoutMethods).where({ agent_id: x }).first()).key_id).to.equal(keyId(key(2)));
    expect((await s.db(T.payoutMethods).where({ agent_id: y }).first()).key_id).to.equal(keyId(key(1)));

    // resealAll takes every row not under the new key: y, and those the module's own settings key sealed.
    const left = await s
      .db(T.payoutMethods)
      .whereNot({ key_id: keyId(key(2)) })
      .count({ n: '*' });
    const resealed = await service({ AGENTTOOLS_PAYOUT_KEY: b64(2), AGENTTOOLS_PAYOUT_OLD_KEYS: b64(1) }).resealAll();
    expect(resealed).to.equal(Number(left[0]!.n));
    expect(await s.db(T.payoutMethods).whereNot({ key_id: keyId(key(2)) })).to.deep.equal([]);
    // y was sealed again under the new key: without key 1 it still opens.
    const only = service({ AGENTTOOLS_PAYOUT_KEY: b64(2) });
    expect(await only.forAgent(y)).to.deep.equal({ kind: 'bank', holder: 'Y', iban: null, accountNumber: '12345678', bankCode: '01' });
  });

  it('without an environment key, one is generated once and kept in the settings', async () => {
    const settings = new SettingsStore(s.db);
    const stored = await settings.get('payout_key');
    expect(stored, 'the module made its key on first use').to.be.a('string');
    expect(Buffer.from(stored!, 'base64')).to.have.length(32);
    const again = await new PayoutKeys({}, settings).cipher();
    expect(again.currentId).to.equal(keyId(Buffer.from(stored!, 'base64')));
  });
});
