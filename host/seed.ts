import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { readProgramText } from '../module/programs/program-service';
import { ManualClock } from '../module/core/clock';
import type { Logger } from '../module/core/logger';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import { createHost } from './app';
import { hashPassword } from './auth/passwords';

export const DEMO_PASSWORD = 'demo-pass-2026';
export const DEMO = { admin: 'admin', agent: 'alice@example.com', cloudOneAgent: 'tom@example.com', cloudCodesAgent: 'dana@example.com', client: 'frank@example.com' };

const DAY = 86_400_000;
const EXAMPLES = path.resolve(__dirname, '../examples/programs');

/**
 * Demo data, made the way real data is: through the platform's own operations and so through the
 * module's hooks, on a clock that starts 70 days ago. The agent ends with clicks, sign-ups and
 * commissions pending, available, withdrawn and voided.
 */
export async function seedDemo(db: Knex, logger: Logger): Promise<void> {
  const clock = new ManualClock(Date.now() - 70 * DAY);
  const host = await createHost({ db, clock, logger, module: { clickFlushMs: 60_000 } });
  const { billing, agentTools } = host;
  const core = agentTools.core;

  await db('host_admins').insert({ username: DEMO.admin, password_hash: await hashPassword(DEMO_PASSWORD) });
  const groups = await Promise.all(
    ['Cloud Servers', 'Managed Subscriptions', 'Training & Support'].map(async (name) => Number((await db('host_product_groups').insert({ name }))[0])),
  );
  const product = async (group: number, name: string, price: number, setup: number) =>
    Number((await db('host_products').insert({ group_id: group, name, currency: 'USD', price_minor: price, setup_minor: setup }))[0]);
  const dedicated = await product(groups[0]!, 'Dedicated Server', 40_000, 10_000);
  const cloudS = await product(groups[0]!, 'Cloud Server S', 2_000, 1_000);
  const backup = await product(groups[1]!, 'Managed Backup', 1_500, 0);
  await product(groups[2]!, 'Support hour', 6_000, 0);

  const alice = await billing.createClient({ firstname: 'Alice', lastname: 'Agent', email: DEMO.agent, password: DEMO_PASSWORD, phonenumber: '+254 700 000 001', currency: 'USD' });
  const program = await core.programs.bySlug('default');
  const agent = await core.agents.activateForClient(alice, program!.id);

  // Each visit from its own address: one visitor's repeats within an hour count once.
  let visitor = 0;
  const visit = async () => {
    visitor++;
    const source = ['blog', 'newsletter', undefined][visitor % 3];
    const out = await core.tracking.click(String(agent.id), { ip: `198.51.100.${visitor}`, userAgent: 'Mozilla/5.0 (demo)', referer: 'https://blog.example.org/' }, source);
    return { request: { cookies: { [REFERRAL_COOKIE]: out.cookie!.value } } };
  };
  for (let i = 0; i < 9; i++) await visit();

  const referred = async (first: string, email: string) =>
    billing.createClient({ firstname: first, lastname: 'Customer', email, password: DEMO_PASSWORD, currency: 'USD' }, await visit());
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
  const agentRow = (await core.agents.get(agent.id))!;
  const withdrawal = await core.withdrawals.request(agentRow, program!, '50.00');
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
  const cloudOne = (await core.programs.bySlug('cloud-one'))!;
  const kesGroup = async (name: string) => Number((await db('host_product_groups').insert({ name }))[0]);
  const kes = async (group: number, name: string, price: number) =>
    Number((await db('host_products').insert({ group_id: group, name, currency: 'KES', price_minor: price, setup_minor: 0 }))[0]);
  await kes(await kesGroup('Managed Subscriptions'), 'Managed PBX (monthly)', 500_000);
  const training = await kes(await kesGroup('Training & Support'), 'On-site training day', 1_200_000);
  await kes(await kesGroup('Refundable Deposit'), 'Desk phone deposit', 300_000);
  const tom = await billing.createClient({ firstname: 'Tom', lastname: 'Titanium', email: DEMO.cloudOneAgent, password: DEMO_PASSWORD, phonenumber: '+254 700 000 002', currency: 'KES' });
  const tomAgent = await core.agents.activateForClient(tom, cloudOne.id);
  await core.agents.setTerms(tomAgent.id, { tier: 'titanium', rateBp: null, certification: 'advanced' });
  await core.agents.setTargetsMet(tomAgent.id, new Date(clock.now()).toISOString().slice(0, 7), true);
  const tomClick = await core.tracking.click(String(tomAgent.id), { ip: '198.51.100.8', userAgent: 'Mozilla/5.0 (demo)', referer: '' });
  const wanjiku = await billing.createClient(
    { firstname: 'Wanjiku', lastname: 'Customer', email: 'wanjiku@example.com', password: DEMO_PASSWORD, currency: 'KES' },
    { request: { cookies: { [REFERRAL_COOKIE]: tomClick.cookie!.value } } },
  );
  const trainingInvoice = await billing.placeOrder(wanjiku, training);
  const [line] = await db('host_invoice_items').where({ invoice_id: trainingInvoice });
  await core.agents.recordPerformer(Number(line.id), tomAgent.id);
  await billing.payInvoice(trainingInvoice);

  // A text link on every agent's "Banners and links" page, and a CloudCodes agent who has
  // registered a customer's domain: a sign-up at that domain is hers.
  await core.creatives.createText({ name: 'Cloud servers', link_text: 'Cloud servers from $5 a month', landing: '/' }, DEMO.admin);
  const dana = await billing.createClient({ firstname: 'Dana', lastname: 'Domains', email: DEMO.cloudCodesAgent, password: DEMO_PASSWORD, phonenumber: '+254 700 000 003', currency: 'USD' });
  const danaAgent = await core.agents.activateForClient(dana, (await core.programs.bySlug('cloudcodes'))!.id);
  await core.domains.register(danaAgent, 'acme-widgets.example', 'Acme Widgets Ltd');

  clock.set(Date.now());
  await billing.runDailyCron(true);
  await host.stop();
}
