import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import russian from '../lang/russian';
import { T } from '../module/db/tables';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const act = (a: string) => `${ADMIN_PAGE}&action=${a}`;
const EXAMPLES = path.resolve(__dirname, '../examples/programs');

// Intl's no-break space: ru writes "0,00 $" with U+00A0 between the figure and the sign.
const NB = '\u00a0';

/** The module's page (the <main> of the host's layout), tags stripped, entities of the few characters escaped read back. */
function main(html: string): string {
  const m = /<main>([\s\S]*)<\/main>/.exec(html);
  return (m?.[1] ?? '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A Russian text of lang/russian.ts, as the page writes it. */
function ru(key: string): string {
  const text = russian.strings[key];
  if (text === undefined) throw new Error(`lang/russian.ts has no ${key}`);
  return text;
}

/** An English heading or label as a whole phrase (not inside another word). */
const phrase = (text: string) => new RegExp(`(^|[^A-Za-z])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z]|$)`);

/** Headings and labels of the agent's admin page, in English: none may be left for a Russian admin. */
const AGENT_PAGE_ENGLISH = [
  'Short link and referral code',
  'Referral code',
  'Terms',
  'Tier',
  'Technical certification',
  'Save terms',
  'Monthly targets',
  'Month',
  'Reason',
  'Record',
  'Manual commission',
  'Work performed',
  'Invoice line ID performed by this agent',
  'Clients',
  'Since',
  'Sources',
  'Commissions',
  'Status',
  'Block and forfeit',
  'Pending',
  'available',
  'paid orders',
  'No clicks yet.',
];

/** The inbox's headings and the menu above it, in English. */
const INBOX_ENGLISH = ['Waiting for you', 'Nothing is waiting.', 'Inbox', 'Agents', 'Programs', 'Program report', 'Settings', 'Logs', 'E-mail log', 'Failed e-mails'];

/** Issue #14: an admin whose own language (host_admins.language, as WHMCS keeps it) is Russian reads the admin area in Russian. */
onEachDatabase('the admin area in the admin’s own language', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let agentPage: string;

  before(async () => {
    f = await startHost(current().db);
    // The fixture's admin signs up as English; this one reads Russian, a second one English.
    await f.host.db('host_admins').where({ username: 'admin' }).update({ language: 'russian' });
    admin = await session(f.host, { admin: true });
    const load = await admin.post(ADMIN_PAGE, act('loadProgram'), { definition: fs.readFileSync(path.join(EXAMPLES, 'cloudsigma.yaml'), 'utf8') });
    expect(load.status).to.equal(303);
    const program = await f.host.agentTools.services.programs.bySlug('cloudsigma');
    const s = await session(f.host);
    const clientId = await signUp(f.host, s, 'agent@example.com');
    const made = await admin.post(ADMIN_PAGE, act('activateAgent'), { client_id: clientId, program_id: program!.id });
    expect(made.status).to.equal(303);
    const agentId = (await f.host.agentTools.services.agents.byClient(clientId))!.id;
    agentPage = `${act('agent')}&id=${agentId}`;
    // A client nobody referred, so that the inbox lists one client without an agent.
    await signUp(f.host, await session(f.host), 'nobody@example.com');
  });
  after(() => f.host.stop());

  it('shows the inbox in Russian, with no English heading left', async () => {
    const res = await admin.agent.get(ADMIN_PAGE);
    expect(res.status).to.equal(200);
    const text = main(res.text);
    for (const key of ['adminarea.nav.inbox', 'adminarea.nav.agents', 'adminarea.nav.settings', 'adminarea.inbox.title', 'adminarea.inbox.nothing', 'adminarea.inbox.logs']) {
      expect(text, key).to.include(ru(key));
    }
    // Spelled out too: the test reads what an admin reads, not only what the lang file says.
    expect(text).to.include('Ждут вашего решения');
    for (const english of INBOX_ENGLISH) expect(text, english).not.to.match(phrase(english));
  });

  it('shows the agents, reviews and settings pages’ own sections in Russian', async () => {
    const agents = main((await admin.agent.get(act('agents'))).text);
    expect(agents).to.include('Клиенты без партнёра');
    expect(agents).to.include(ru('adminarea.unassigned.as_service_manager'));
    expect(agents).not.to.match(phrase('Clients without an agent'));
    expect(agents).not.to.match(phrase('as service manager'));
    const reviews = main((await admin.agent.get(act('reviews'))).text);
    expect(reviews).to.include('Очередь проверки');
    expect(reviews).to.include(ru('adminarea.reviews.none'));
    expect(reviews).not.to.match(phrase('Nothing to review.'));
    const settings = main((await admin.agent.get(act('settings'))).text);
    expect(settings).to.include(ru('adminarea.signup.title'));
    expect(settings).to.include(ru('adminarea.signup.slug_admin'));
    for (const english of ['Short links and self-referrals', 'works once an admin approves it', 'is not attributed']) expect(settings, english).not.to.match(phrase(english));
  });

  it('shows the agent’s page in Russian: headings, balances with Russian money, buttons, and no English heading', async () => {
    const res = await admin.agent.get(agentPage);
    expect(res.status).to.equal(200);
    const text = main(res.text);
    for (const key of [
      'adminarea.slug.title',
      'adminarea.agent.terms',
      'adminarea.agent.targets',
      'adminarea.agent.manual',
      'adminarea.agent.performed',
      'adminarea.agent.clients',
      'adminarea.agent.sources',
      'adminarea.agent.commissions',
      'adminarea.agent.block',
      'adminarea.agent.no_clicks',
    ]) {
      expect(text, key).to.include(ru(key));
    }
    expect(text).to.include('Месячные цели');
    // A new agent's balances are all nil; Russian writes the dollar after the figure, with a comma.
    expect(text).to.include(`На удержании 0,00${NB}$ · доступно к выводу 0,00${NB}$ · заказано к выплате 0,00${NB}$ · выведено 0,00${NB}$ · оплаченных заказов 0`);
    expect(text).to.match(/статус\s+действует\s/);
    for (const english of AGENT_PAGE_ENGLISH) expect(text, english).not.to.match(phrase(english));
  });

  it('reads a rate typed with a decimal comma, and shows a refused form’s message beside its field in Russian', async () => {
    const agentId = Number(new URL(agentPage, 'http://x').searchParams.get('id'));
    const saved = await admin.post(agentPage, act('setAgentTerms'), { agent_id: agentId, tier: '', rate: '17,5', certification: '' });
    expect(saved.status).to.equal(303);
    expect((await f.host.agentTools.services.agents.get(agentId))!.rateBp).to.equal(1750);
    // The field is pre-filled in the plain form every locale reads back.
    expect((await admin.agent.get(agentPage)).text).to.include('name="rate" value="17.5"');
    const refused = await admin.post(agentPage, act('setTargets'), { agent_id: agentId, month: 'March', met: 'yes', reason: 'checked by hand' });
    expect(refused.status).to.equal(422);
    expect(main(refused.text)).to.include('месяц в формате 2026-03');
    expect(main(refused.text)).not.to.include('a month such as 2026-03');
  });

  it('shows the same pages in English to an admin whose language is English', async () => {
    await f.host.db('host_admins').where({ username: 'admin' }).update({ language: 'english' });
    const english = await session(f.host, { admin: true });
    const text = main((await english.agent.get(agentPage)).text);
    expect(text).to.include('Monthly targets');
    expect(text).to.include(`Pending USD${NB}0.00 · available USD${NB}0.00 · requested USD${NB}0.00 · withdrawn USD${NB}0.00 · paid orders 0`);
    expect(text).not.to.include(ru('adminarea.agent.targets'));
    const inbox = main((await english.agent.get(ADMIN_PAGE)).text);
    expect(inbox).to.include('Waiting for you');
    expect(inbox).not.to.include(ru('adminarea.inbox.title'));
  });

  it('reads a manual commission typed the Russian way: 1 234,50 is 1234.50 dollars', async () => {
    const agentId = Number(new URL(agentPage, 'http://x').searchParams.get('id'));
    await f.host.db('host_admins').where({ username: 'admin' }).update({ language: 'russian' });
    const res = await admin.post(agentPage, act('manualCommission'), { agent_id: agentId, amount: `1${NB}234,50`, reason: 'настройка сервера', key: crypto.randomUUID() });
    expect(res.status, main(res.text)).to.equal(303);
    const rows = await f.host.db(T.commissions).where({ agent_id: agentId, role: 'manual' }).select('amount_minor');
    expect(rows.map((r: { amount_minor: number | string }) => Number(r.amount_minor))).to.deep.equal([123_450]);
  });
});
