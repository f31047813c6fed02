import { expect } from 'chai';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { onEachDatabase } from './support/databases';
import { Scenario, expectRuleError, verifyAfterEach } from './support/scenario';
import { RuleError } from '../module/core/errors';
import { translator } from '../module/i18n/lang';
import { AmountError, parseAmount } from '../module/money/parse';
import { currency } from '../module/money/currencies';
import type { Program } from '../module/programs/program-service';
import { adminForm } from '../module/http/form-action';
import { setRequestLanguage } from '../module/http/request-language';
import { MemoryLogger } from '../module/core/logger';

/**
 * A service's refusal is a lang key: the person who made the request reads it in their language
 * (`e.text(t)`), while `message` stays English for logs, the CLI and the API.
 */
onEachDatabase('refusals in the reader’s language', ({ current }) => {
  const ru = translator('russian');
  const sw = translator('swahili');
  let s: Scenario;
  let program: Program;
  let agent: number;

  before(async () => {
    s = await new Scenario(current().db, '2026-01-05T09:00:00Z').start();
    s.defaultCurrency = 'USD';
    program = await s.program('cloudpockets.json');
    agent = await s.agent(program);
  });
  verifyAfterEach(() => s);

  it('a withdrawal below the USD 50.00 threshold: English message, Russian and Swahili text, the amount in each reader’s locale', async () => {
    const e = await expectRuleError(s.withdraw(agent, '30.00'), 'amount');
    expect(e.message).to.equal('the smallest withdrawal is USD\u00a050.00');
    expect(e.text(ru)).to.equal('минимальная сумма выплаты — 50,00\u00a0$');
    expect(e.text(sw)).to.equal('kiwango cha chini cha kutoa ni $\u00a050.00');
  });

  it('a reason left blank when blocking an agent', async () => {
    const e = await expectRuleError(s.services.forfeiture.block(agent, '  ', 'admin'), 'reason');
    expect(e.message).to.equal('give a reason');
    expect(e.text(ru)).to.equal('укажите причину');
  });

  it('"1 000,505" typed by a Russian reader has three decimals, USD two: refused in Russian, English in the log', async () => {
    const agentRow = (await s.services.agents.get(agent))!;
    const e = await expectRuleError(s.services.withdrawals.request(agentRow, program, '1 000,505', 'ru'), 'amount');
    expect(e.message).to.equal('USD has 2 decimal places at most');
    expect(e.text(ru)).to.equal('в USD не более 2 знаков после запятой');
    // The same text read in Russian's own grouping is 1 000,50 when it has two decimals.
    expect(parseAmount('1 000,50', currency('USD'), 'ru')).to.equal(100_050);
  });

  it('parseAmount refuses with an AmountError: a RangeError whose message is English', () => {
    let caught: unknown;
    try {
      parseAmount('1,000', currency('KWD'), 'en');
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(AmountError).and.to.be.instanceOf(RangeError);
    const e = caught as AmountError;
    expect(e.message).to.equal('KWD has 3 decimal places, so "1,000" could be either amount: write 1000 or 1.000');
    expect(e.text(ru)).to.equal('в KWD 3 знака после запятой, поэтому «1,000» можно прочитать как две разные суммы: напишите 1000 или 1.000');
  });

  it('a tax profile refused by the rules: a lang key, so Russian and Swahili readers read it in their own language', async () => {
    const e = await expectRuleError(s.services.taxProfiles.save(agent, { legal_status: 'individual', residency: 'KE', tax_id: '12345' }, 'agent:test'), 'tax_id');
    expect(e.key).to.equal('tax.error.kra_pin');
    expect(e.message).to.equal('A KRA PIN is a letter A or P, nine digits and a letter, such as A123456789Z.');
    expect(e.text(ru)).to.equal('KRA PIN состоит из буквы A или P, девяти цифр и буквы, например A123456789Z.');
    expect(e.text(sw)).to.equal('KRA PIN ni herufi A au P, tarakimu tisa na herufi moja, kama A123456789Z.');
    const status = await expectRuleError(s.services.taxProfiles.save(agent, { legal_status: 'pirate', residency: 'KE' }, 'agent:test'), 'legal_status');
    expect([status.message, status.text(ru)]).to.deep.equal(['Choose a legal status.', 'Выберите правовой статус.']);
  });

  it('a payout method named in the refusal is named in the reader’s language', () => {
    const e = new RuleError('batches.error.nothing_due', 'method', { method: 'credit' });
    expect(e.message).to.equal('Nothing is due for Credit to account up to that date.');
    expect(e.text(ru)).to.equal('Для способа «Зачисление на баланс аккаунта» до этой даты выплачивать нечего.');
    const status = new RuleError('withdrawal_end.error.not_requested', 'withdrawal_id', { status: 'paid' });
    expect(status.text(sw)).to.equal('Utoaji huu wa pesa hauwezi tena kukataliwa au kughairiwa: hali yake ni imelipwa.');
  });
});

describe('a refused admin form shows the refusal in the language dispatch chose for the request', () => {
  it('Russian for a Russian admin, English when no language was decided', async () => {
    const seen: string[] = [];
    const action = adminForm(
      new MemoryLogger(),
      'block',
      z.object({ reason: z.string() }),
      (_req, _res, refused) => {
        seen.push(refused.errors.reason ?? '');
        return Promise.resolve();
      },
      () => Promise.reject(new RuleError('errors.reason_required', 'reason')),
    );
    const post = async (language: string | null) => {
      const req = { body: { reason: ' ' } } as unknown as Request;
      if (language) setRequestLanguage(req, language);
      const res = { locals: {}, redirect: () => undefined } as unknown as Response;
      await action.run({ id: 1, username: 'admin' }, req, res);
    };
    await post('russian');
    await post(null);
    expect(seen).to.deep.equal(['укажите причину', 'give a reason']);
  });
});
