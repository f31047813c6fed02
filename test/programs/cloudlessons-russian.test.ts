import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from '../support/databases';
import { Scenario, verifyAfterEach } from '../support/scenario';
import { ordersAndPays, visitorSignsUp } from '../support/checkout';
import type { Program } from '../../module/programs/program-service';
import { explainCommission } from '../../module/commissions/explanation';
import { translator } from '../../module/i18n/lang';
import { viewHelpers } from '../../module/http/render';

/** White space as one space: Intl writes no-break spaces into Russian money ("10 000,00 ₽"). */
const plain = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

async function cloudlessons(db: Knex, startAt: string): Promise<{ s: Scenario; program: Program }> {
  const s = await new Scenario(db, startAt).start();
  s.defaultCurrency = 'RUB';
  return { s, program: await s.program('cloudlessons.yaml') };
}

/*
 * Cloudlessons' partners read Russian: the program's `language: russian` decides for a partner
 * whose own account names no language (WHMCS: the client's language is empty). A customer's
 * first order of course 101 for RUB 10,000.00 earns 30 %, RUB 3,000.00, explained in Russian; the
 * e-mails the partner is sent (the customer paid; a withdrawal rejected) are in Russian, money as
 * Russian writes it.
 */
onEachDatabase('Cloudlessons partner program in Russian: the partner reads the explanation and the e-mails in Russian', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let partner: number;
  let invoiceId: number;
  let customer: number;

  before(async () => {
    ({ s, program } = await cloudlessons(current().db, '2026-02-09T09:00:00Z'));
    partner = await s.agent(program);
    const visitor = await visitorSignsUp(s, partner);
    customer = visitor.client;
    ({ invoiceId } = await ordersAndPays(s, customer, visitor.cookie, [{ amount: 1_000_000, productId: 101, description: 'course 101' }]));
  });
  verifyAfterEach(() => s);

  it('a partner with no language of their own reads the program’s: Russian', async () => {
    const agent = (await s.services.agents.get(partner))!;
    expect((await s.host.getClient(agent.clientId))!.language).to.equal(null);
    expect(await s.services.readerLanguage.ofClient(agent.clientId)).to.equal('russian');
  });

  it('the commission of RUB 3,000.00 on the RUB 10,000.00 order is explained in Russian: «30 % за продажи от 10 000,00 ₽ = 3 000,00 ₽»', async () => {
    const agent = (await s.services.agents.get(partner))!;
    const language = await s.services.readerLanguage.ofClient(agent.clientId);
    const [c] = await s.services.commissions.forInvoice(invoiceId);
    expect(c!.amount).to.equal(300_000);
    // lang/russian.ts: commission.part.sales "{rate} за продажи", commission.on "{parts} от {base}",
    // commission.equals "{explanation} = {amount}"; money and the rate as Russian writes them.
    expect(plain(explainCommission(c!, translator(language), viewHelpers(language, '')))).to.equal('30 % за продажи от 10 000,00 ₽ = 3 000,00 ₽');
  });

  it('the e-mail that the customer paid is in Russian: «Ваш клиент … оплатил счёт #1», «… 10 000,00 ₽.»', async () => {
    const agent = (await s.services.agents.get(partner))!;
    const to = (await s.host.getClient(agent.clientId))!;
    const buyer = (await s.host.getClient(customer))!;
    const name = `${buyer.firstname} ${buyer.lastname}`;
    // Two e-mails to the partner: the order placed, then the invoice paid.
    const mails = s.host.emails.filter((e) => e.to === to.email);
    expect(mails.map((e) => plain(e.subject))).to.deep.equal([`Новый заказ #${invoiceId} от вашего клиента ${name}`, `Ваш клиент ${name} оплатил счёт #${invoiceId}`]);
    const mail = mails[1];
    const text = plain(mail!.text);
    expect(text).to.include(`Здравствуйте, ${to.firstname} ${to.lastname}!`);
    expect(text).to.include(`Клиент ${name} оплатил счёт #${invoiceId}: 10 000,00 ₽.`);
    expect(text).to.include(`Вы получили это письмо, потому что ${name} — ваш клиент.`);
  });

  it('on 15 March the RUB 3,000.00 is requested for payout; an admin rejects it, and the partner is told in Russian: «Ваш вывод средств на 3 000,00 ₽ отклонён»', async () => {
    await s.daysPass(34); // 15 March, Moscow: released (30 days), a payout day
    const [w] = await s.services.withdrawals.listForAgent(partner);
    expect([w!.amount, w!.status]).to.deep.equal([300_000, 'requested']);
    await s.services.withdrawalEnding.reject(w!.id, 1, 'Реквизиты не подтверждены');
    const agent = (await s.services.agents.get(partner))!;
    const to = (await s.host.getClient(agent.clientId))!;
    const mail = s.host.emails.filter((e) => e.to === to.email).at(-1);
    expect(plain(mail!.subject)).to.equal('Ваш вывод средств на 3 000,00 ₽ отклонён');
    expect(plain(mail!.text)).to.include(
      `Ваша заявка на вывод средств #${w!.id} на 3 000,00 ₽ отклонена, деньги возвращены на ваш баланс, доступный к выводу. Указанная причина: Реквизиты не подтверждены`,
    );
  });
});
