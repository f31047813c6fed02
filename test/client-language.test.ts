import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { agentWorld } from './support/agent-world';
import { agentAccount, type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { readProgramText, type Program } from '../module/programs/program-service';
import { chosenPanelLanguage } from '../hooks/panel-language';
import { renderEmail } from '../module/notifications/email-template';
import { explainCommission, type ExplainedCommission } from '../module/commissions/explanation';
import { minor } from '../module/money/amount';
import { viewHelpers } from '../module/http/render';
import { translator } from '../module/i18n/lang';

const EXAMPLES = path.resolve(__dirname, '../examples/programs');
const page = (action: string, query = '') => `/index.php?m=agenttools&action=${action}${query}`;

// Intl's spaces: U+00A0 inside "1 000,00 ₽" and after "RUB" in en and sw-KE.
const NB = '\u00a0';
const RUB_RU = `1${NB}000,00${NB}₽`;
const RUB_CODE = `RUB${NB}1,000.00`;

/** The module's page (the <main> of the host's layout), tags stripped, spaces kept as they are. */
function main(html: string): string {
  const m = /<main>([\s\S]*)<\/main>/.exec(html);
  return (m?.[1] ?? '').replace(/<[^>]+>/g, ' ');
}

/** The text of one sidebar panel (data-panel="…"), tags stripped. */
function panel(html: string, name: string): string {
  const m = new RegExp(`<section class="sidebar-panel" data-panel="${name}">([\\s\\S]*?)</section>`).exec(html);
  return (m?.[1] ?? '').replace(/<[^>]+>/g, ' ');
}

const h1 = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '';

/*
 * Cloudlessons (RUB, `language: russian`). Ivan and Amina are its agents; neither has earned
 * anything available yet. Each has one pending commission of RUB 1,000.00 on a client of theirs.
 * Ivan's account has no language of its own: he reads the program's Russian. Amina's says
 * swahili: her own setting comes before the program's.
 */
onEachDatabase('the client area and e-mails in the reader’s language (issue #14)', ({ current }) => {
  let f: Fixture;
  let program: Program;
  let ivan: Session;
  let amina: Session;

  async function agentWithCommission(email: string, language: string | null): Promise<number> {
    const s = f.host.agentTools.services;
    const clientId = await signUp(f.host, await session(f.host), email);
    await f.host.db('host_clients').where({ id: clientId }).update({ language });
    const agent = await s.agents.activateForClient(clientId, program.id);
    const referred = await signUp(f.host, await session(f.host), `client-of-${email}`);
    await s.assignments.assign(referred, agent.id, 'admin', 'test');
    await s.manualCommissions.addManual(agent.id, '1000.00', 'test', `k-${email}`, referred);
    return clientId;
  }

  before(async () => {
    f = await startHost(current().db, '2026-01-05T07:00:00Z');
    program = (await f.host.agentTools.services.programs.load(readProgramText(fs.readFileSync(path.join(EXAMPLES, 'cloudlessons.yaml'), 'utf8')))).program;
    await agentWithCommission('ivan@example.ru', null);
    await agentWithCommission('amina@example.co.ke', 'swahili');
    ivan = await session(f.host, { email: 'ivan@example.ru' });
    amina = await session(f.host, { email: 'amina@example.co.ke' });
  });

  it('an agent whose account has no language reads the program’s Russian: Overview, Commissions, Payouts and the sidebar', async () => {
    const overview = await ivan.agent.get(page('index'));
    expect(overview.status).to.equal(200);
    expect(h1(overview.text)).to.equal('Партнёрская программа');

    const commissions = await ivan.agent.get(page('commissions'));
    expect(h1(commissions.text)).to.equal('Начисления');
    expect(main(commissions.text)).to.contain(RUB_RU);
    expect(main(commissions.text)).not.to.contain('RUB');

    const payouts = await ivan.agent.get(page('payouts'));
    expect(h1(payouts.text)).to.equal('Выплаты');

    // The sidebar's panel: nothing available yet, the pages by their Russian names.
    const side = panel(commissions.text, 'agenttools-affiliate');
    expect(side).to.contain(`Доступно: 0,00${NB}₽`);
    expect(side).to.contain('Обзор').and.to.contain('Начисления').and.to.contain('Выплаты');
    expect(side).not.to.contain('Overview');
  });

  it('the home page’s widget is in Russian too', async () => {
    const home = await ivan.agent.get('/clientarea');
    expect(home.status).to.equal(200);
    expect(home.text).to.contain('Ваше партнёрское вознаграждение');
    expect(home.text).not.to.contain('Your affiliate commission');
  });

  it('?language=english switches the page and its sidebar to English, and the choice is remembered (cookie agenttools_language)', async () => {
    const asked = await ivan.agent.get(page('commissions', '&language=english'));
    expect(h1(asked.text)).to.equal('Commissions');
    expect(main(asked.text)).to.contain(RUB_CODE);
    expect(String(asked.headers['set-cookie'])).to.contain('agenttools_language=english');
    const side = panel(asked.text, 'agenttools-affiliate');
    expect(side).to.contain(`Available: RUB${NB}0.00`);
    expect(side).to.contain('Overview');

    const next = await ivan.agent.get(page('payouts'));
    expect(h1(next.text)).to.equal('Payouts');
    expect(main(next.text)).not.to.contain('Выплаты');
    expect(panel(next.text, 'agenttools-affiliate')).to.contain(`Available: RUB${NB}0.00`);
    // The home page's widget too: the host passes the hooks the request's cookies.
    expect((await ivan.agent.get('/clientarea')).text).to.contain('Your affiliate commission');
    // A panel's hook sees the remembered choice in the request's cookies, when the host passes them.
    expect(chosenPanelLanguage('/clientarea', { request: { cookies: { agenttools_language: 'english' } } })).to.equal('english');
    expect(chosenPanelLanguage('/index.php?m=agenttools&language=swahili', { request: { cookies: { agenttools_language: 'english' } } })).to.equal('swahili');
    expect(chosenPanelLanguage('/index.php?m=agenttools&language=klingon', undefined)).to.equal(null);

    // And back: the cookie follows the latest choice.
    const back = await ivan.agent.get(page('index', '&language=russian'));
    expect(h1(back.text)).to.equal('Партнёрская программа');
  });

  it('an agent whose own account says swahili reads Swahili, whatever the program’s language', async () => {
    const commissions = await amina.agent.get(page('commissions'));
    expect(h1(commissions.text)).to.equal('Kamisheni');
    expect(main(commissions.text)).to.contain(RUB_CODE);
    expect(panel(commissions.text, 'agenttools-affiliate')).to.contain(`Inayoweza kutolewa: RUB${NB}0.00`);
    expect(h1((await amina.agent.get(page('payouts'))).text)).to.equal('Malipo');
  });

  it('an e-mail to an agent is in their language: a Cloudlessons applicant approved reads Russian', async () => {
    const s = f.host.agentTools.services;
    const clientId = await signUp(f.host, await session(f.host), 'pavel@example.ru');
    const app = await s.applications.apply(clientId, program, { legal_status: 'company', tax_id: '7707083893', agreement: 'yes' }, '127.0.0.1');
    expect(app.status).to.equal('pending');
    await s.applications.approve(app.id, 'admin');
    const mail = await f.host.db('host_emails').where({ to: 'pavel@example.ru' }).first();
    expect(mail.subject).to.equal('Добро пожаловать в программу Партнерская программа Cloudlessons');
    expect(mail.text).not.to.contain('Your application');
  });

  it('a withdrawal amount is read as the agent’s language writes it: "1 000,50" in Russian', async () => {
    const { clientId } = await agentAccount(f.host, 'olga@example.ru');
    await f.host.db('host_clients').where({ id: clientId }).update({ language: 'russian' });
    const olga = await session(f.host, { email: 'olga@example.ru' });
    const res = await olga.post(page('payouts'), page('withdraw'), { amount: '1 000,50' });
    expect(res.status).to.equal(422);
    // Read as 1000.50 and refused only for the balance (nothing is available yet), not as a malformed
    // number, which "1 000,50" is to an English reader.
    expect(res.text).to.contain('role="alert">доступно только ');
  });

  it('an agent signed in as a client reads a refusal of the host’s page in their own language', async () => {
    const world = await agentWorld(f, 'invoices');
    await f.host.db('host_clients').where({ email: 'ann@example.com' }).update({ language: 'russian' });
    const res = await world.sessions['agent as client without permission'].agent.get('/clientarea');
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('Клиент не разрешил своему менеджеру услуг это действие.');
    expect(res.text).not.to.contain('The client has not allowed');
  });

  it('the e-mails’ money and the commission explanation are written as the language writes them', async () => {
    const ru = await renderEmail('withdrawal-ended', 'russian', { client: { name: 'Иван' }, withdrawal: { id: 7, amount: 100_000, currency: 'RUB' }, ending: 'rejected', reason: 'нет' });
    expect(ru.subject).to.contain(RUB_RU);
    const en = await renderEmail('withdrawal-ended', 'english', { client: { name: 'Ivan' }, withdrawal: { id: 7, amount: 100_000, currency: 'RUB' }, ending: 'rejected', reason: 'no' });
    expect(en.subject).to.equal(`Your withdrawal of ${RUB_CODE} was rejected`);
    // 30 % of RUB 10,000.00 is RUB 3,000.00.
    const c: ExplainedCommission = {
      parts: [{ kind: 'sales', rule: 'course-python', bp: 3000 }],
      base: minor(1_000_000),
      amount: minor(300_000),
      currency: 'RUB',
      role: 'sales',
      status: 'pending',
      reason: null,
    };
    const ruText = explainCommission(c, translator('russian'), viewHelpers('russian', ''));
    expect(ruText).to.contain(`10${NB}000,00${NB}₽`).and.to.contain(`3${NB}000,00${NB}₽`);
    expect(explainCommission(c, translator('english'))).to.equal(`30 % sales on RUB${NB}10,000.00 = RUB${NB}3,000.00`);
  });
});
