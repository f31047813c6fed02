import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { readProgramText } from '../module/programs/program-service';
import { ManualClock } from '../module/core/clock';
import type { Logger } from '../module/core/logger';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import { createHost } from './app';
import { hashPassword } from './auth/passwords';
import { invoiceItemRow, oneRow } from './db/rows';
import { LIFECYCLE, lifecycleQuarter, seedLifecycle } from './seed-lifecycle';
import { type HistoryMade, seedHistory } from './seed-history';

// The demo's clicks come from a real browser's user agent: the module counts no bot's click.
const DEMO_BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0';

export const DEMO_PASSWORD = 'demo-pass-2026';
export const DEMO = { admin: 'admin', agent: 'alice@example.com', cloudOneAgent: 'tom@example.com', cloudCodesAgent: 'dana@example.com', client: 'frank@example.com' };

const DAY = 86_400_000;
const EXAMPLES = path.resolve(__dirname, '../examples/programs');

/**
 * Demo data, made the way real data is: through the platform's own operations and so through the
 * module's hooks, on a clock that starts 70 days ago. The agent ends with clicks, sign-ups and
 * commissions pending, available, withdrawn and voided. Before that, Cloud One's agents live
 * through the whole quarter before (host/seed-lifecycle.ts): one promoted, one demoted; and at the
 * end one Cloud One agent is on probation and one application waits for the admin.
 */
export async function seedDemo(db: Knex, logger: Logger): Promise<{ history: { alice: HistoryMade; tom: HistoryMade } }> {
  const mainStart = Date.now() - 70 * DAY;
  const clock = new ManualClock(lifecycleQuarter(mainStart).start - 5 * DAY);
  const host = await createHost({ db, clock, logger, module: { clickFlushMs: 60_000 } });
  const { billing, agentTools } = host;
  const core = agentTools.services;
  const seedProgram = async (slug: string) => {
    const program = await core.programs.bySlug(slug);
    if (!program) throw new Error(`program ${slug} is missing: activation makes "default", and examples/programs holds the rest`);
    return program;
  };
  const referralCookie = (click: { cookie: { value: string } | null; skipped?: string }) => {
    if (!click.cookie) throw new Error(`the demo click was not counted (${click.skipped ?? 'no cookie'}): the demo needs each one`);
    return click.cookie.value;
  };

  await db('host_admins').insert({ username: DEMO.admin, password_hash: await hashPassword(DEMO_PASSWORD) });
  await seedLifecycle(host, clock, mainStart, DEMO_PASSWORD);
  const group = async (name: string) => Number((await db('host_product_groups').insert({ name }))[0]);
  const servers = await group('Cloud Servers');
  const subscriptions = await group('Managed Subscriptions');
  const support = await group('Training & Support');
  const product = async (group: number, name: string, price: number, setup: number) =>
    Number((await db('host_products').insert({ group_id: group, name, currency: 'USD', price_minor: price, setup_minor: setup }))[0]);
  const dedicated = await product(servers, 'Dedicated Server', 40_000, 10_000);
  const cloudS = await product(servers, 'Cloud Server S', 2_000, 1_000);
  const backup = await product(subscriptions, 'Managed Backup', 1_500, 0);
  await product(support, 'Support hour', 6_000, 0);

  const alice = await billing.createClient({ firstname: 'Alice', lastname: 'Agent', email: DEMO.agent, password: DEMO_PASSWORD, phonenumber: '+254 700 000 001', currency: 'USD', country: 'KE' });
  const program = await seedProgram('default');
  const agent = await core.agents.activateForClient(alice, program.id);

  // Each visit from its own address: one visitor's repeats within an hour count once.
  let visitor = 0;
  const visit = async () => {
    visitor++;
    const source = ['blog', 'newsletter', undefined][visitor % 3];
    const out = await core.tracking.click(String(agent.id), { ip: `198.51.100.${visitor}`, userAgent: DEMO_BROWSER, referer: 'https://blog.example.org/' }, source);
    return { request: { cookies: { [REFERRAL_COOKIE]: referralCookie(out) } } };
  };
  for (let i = 0; i < 9; i++) await visit();

  const referred = async (first: string, email: string) => billing.createClient({ firstname: first, lastname: 'Customer', email, password: DEMO_PASSWORD, currency: 'USD' }, await visit());
  const buyAndPay = async (clientId: number, productId: number) => {
    const invoice = await billing.placeOrder(clientId, productId);
    await billing.payInvoice(invoice);
    return invoice;
  };

  const bob = await referred('Bob', 'bob@example.com');
  const dave = await referred('Dave', 'dave@example.com');
  await buyAndPay(bob, dedicated);
  await buyAndPay(dave, dedicated);
  clock.advanceDays(5);
  const eve = await referred('Eve', 'eve@example.com');
  const eveInvoice = await buyAndPay(eve, backup);
  await billing.refundInvoice(eveInvoice);

  clock.advanceDays(30);
  await billing.runDailyCron(true);
  const agentRow = await core.agents.get(agent.id);
  if (!agentRow) throw new Error(`agent ${agent.id} was activated above and cannot be read back`);
  const withdrawal = await core.withdrawals.request(agentRow, program, '50.00');
  clock.advanceDays(3);
  await core.withdrawals.markPaid(withdrawal.id, 1);

  clock.advanceDays(22);
  const carol = await referred('Carol', 'carol@example.com');
  await buyAndPay(carol, cloudS);
  await billing.closeClient(eve);

  const frank = await billing.createClient({ firstname: 'Frank', lastname: 'Direct', email: DEMO.client, password: DEMO_PASSWORD, currency: 'USD' });
  await billing.placeOrder(frank, cloudS);

  // The five seed programs, and a Cloud One agent whose commission shows its stacked rates.
  for (const file of fs.readdirSync(EXAMPLES).sort()) await core.programs.load(readProgramText(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')));
  const cloudOne = await seedProgram('cloud-one');
  const kesGroup = async (name: string) => Number((await db('host_product_groups').insert({ name }))[0]);
  const kes = async (group: number, name: string, price: number) => Number((await db('host_products').insert({ group_id: group, name, currency: 'KES', price_minor: price, setup_minor: 0 }))[0]);
  const pbx = await kes(await kesGroup('Managed Subscriptions'), 'Managed PBX (monthly)', 500_000);
  const training = await kes(await kesGroup('Training & Support'), 'On-site training day', 1_200_000);
  await kes(await kesGroup('Refundable Deposit'), 'Desk phone deposit', 300_000);
  const tom = await billing.createClient({
    firstname: 'Tom',
    lastname: 'Titanium',
    email: DEMO.cloudOneAgent,
    password: DEMO_PASSWORD,
    phonenumber: '+254 700 000 002',
    currency: 'KES',
    country: 'KE',
  });
  const tomAgent = await core.agents.activateForClient(tom, cloudOne.id);
  await core.agents.setTerms(tomAgent.id, { tier: 'titanium', rateBp: null, certification: 'advanced' });
  // Tom's month is an admin's decision (the demo has not the KES 2,000,000.00 of sales Titanium's
  // target asks): the 3 % target bonus lands beside his sale when the month closes.
  const tomMonth = DateTime.fromMillis(clock.now(), { zone: cloudOne.timezone }).toFormat('yyyy-LL');
  await core.targets.override(tomAgent.id, tomMonth, true, 'demo: targets met', DEMO.admin);
  const tomClick = await core.tracking.click(String(tomAgent.id), { ip: '198.51.100.8', userAgent: DEMO_BROWSER, referer: '' });
  const wanjiku = await billing.createClient(
    { firstname: 'Wanjiku', lastname: 'Customer', email: 'wanjiku@example.com', password: DEMO_PASSWORD, currency: 'KES' },
    { request: { cookies: { [REFERRAL_COOKIE]: referralCookie(tomClick) } } },
  );
  const trainingInvoice = await billing.placeOrder(wanjiku, training);
  const line = oneRow(invoiceItemRow, await db('host_invoice_items').where({ invoice_id: trainingInvoice }).orderBy('id').first());
  if (!line) throw new Error(`invoice ${trainingInvoice} was placed above and has no line`);
  await core.agents.recordPerformer(line.id, tomAgent.id);
  await billing.payInvoice(trainingInvoice);

  // A text link on every agent's "Banners and links" page, and a CloudCodes agent who has
  // registered a customer's domain: a sign-up at that domain is hers.
  await core.creatives.createText({ name: 'Cloud servers', link_text: 'Cloud servers from $5 a month', landing: '/' }, DEMO.admin);
  const dana = await billing.createClient({ firstname: 'Dana', lastname: 'Domains', email: DEMO.cloudCodesAgent, password: DEMO_PASSWORD, phonenumber: '+254 700 000 003', currency: 'USD' });
  const danaAgent = await core.agents.activateForClient(dana, (await seedProgram('cloudcodes')).id);
  await core.domains.register(danaAgent, 'acme-widgets.example', 'Acme Widgets Ltd');

  // A Cloud One agent who joined 10 days ago and has sold nothing yet: on probation, its countdown
  // on her page (the cron below opens it); and an application waiting in the admin's queue.
  const nia = await billing.createClient({ firstname: 'Nia', lastname: 'Newagent', email: LIFECYCLE.probation, password: DEMO_PASSWORD, currency: 'KES' });
  await core.agents.activateForClient(nia, cloudOne.id);
  const grace = await billing.createClient({ firstname: 'Grace', lastname: 'Applicant', email: LIFECYCLE.applicant, password: DEMO_PASSWORD, currency: 'KES' });
  await core.applications.apply(grace, cloudOne, { signature: 'Grace Applicant', agreement: 'yes' }, '198.51.100.77');

  // A year of Alice's and Tom's activity, so that their Overview's twelve months show something:
  // clicks every day, sign-ups and paid invoices (the clock goes back to each, then on to now,
  // where the cron releases what is past its hold). Deterministic: a seeded PRNG.
  const end = Date.now();
  const history = {
    alice: await seedHistory(
      host,
      clock,
      end,
      { agentId: agent.id, products: [cloudS, backup, dedicated], currency: 'USD', clicksPerDay: 24, signupsPerMonth: 0.35, paying: 0.8, tag: 'a', ipBlock: 1 },
      20_260_101,
      DEMO_PASSWORD,
    ),
    tom: await seedHistory(
      host,
      clock,
      end,
      { agentId: tomAgent.id, products: [pbx, training], currency: 'KES', clicksPerDay: 12, signupsPerMonth: 0.3, paying: 0.9, tag: 't', ipBlock: 2 },
      20_260_102,
      DEMO_PASSWORD,
    ),
  };

  clock.set(Date.now());
  await billing.runDailyCron(true);
  await host.stop();
  // The bulk clicks bypassed the click buffer: count everything again, so the Overview shows the year at once.
  await agentTools.services.rollups.rebuild();
  return { history };
}
