import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { ManualClock } from '../module/core/clock';
import { readProgramText } from '../module/programs/program-service';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import type { Host } from './app';

const EXAMPLES = path.resolve(__dirname, '../examples/programs');
const ZONE = 'Africa/Nairobi';
const DAY = 86_400_000;
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0';

export const LIFECYCLE = { promoted: 'paula@example.com', demoted: 'dan@example.com', probation: 'nia@example.com', applicant: 'grace@example.com' };

/** The whole quarter before `mainStart` (Nairobi): the demo's Cloud One agents live through it. */
export function lifecycleQuarter(mainStart: number): { start: number; end: number } {
  const end = DateTime.fromMillis(mainStart, { zone: ZONE }).startOf('quarter');
  return { start: end.minus({ months: 3 }).toMillis(), end: end.toMillis() };
}

/**
 * Cloud One over the quarter before the demo's main story, made by the module's own operations
 * and crons: Paula, an Affiliate, sells KES 180,000.00 to 3 new customers (KES 60,000.00 and 1 a
 * month on average: Bronze's requirement) and the quarterly evaluation promotes her to Bronze;
 * Dan, set to Bronze by an admin, sells nothing and is demoted to Affiliate, his 2 clients
 * reassigned. Runs on the seed's clock from 5 days before the quarter to `mainStart`, where
 * Paula sells to three more new customers so that the next quarter keeps her Bronze.
 */
export async function seedLifecycle(host: Host, clock: ManualClock, mainStart: number, password: string): Promise<void> {
  const { billing, agentTools, db } = host;
  const core = agentTools.services;
  const q = lifecycleQuarter(mainStart);
  const program = (await core.programs.load(readProgramText(fs.readFileSync(path.join(EXAMPLES, 'cloud-one.yaml'), 'utf8')))).program;
  const group = Number((await db('host_product_groups').insert({ name: 'Managed Subscriptions' }))[0]);
  const yearly = Number((await db('host_products').insert({ group_id: group, name: 'Managed PBX (yearly)', currency: 'KES', price_minor: 6_000_000, setup_minor: 0 }))[0]);
  const client = (first: string, last: string, email: string, cookie?: string) =>
    billing.createClient({ firstname: first, lastname: last, email, password, currency: 'KES' }, cookie ? { request: { cookies: { [REFERRAL_COOKIE]: cookie } } } : undefined);
  let visitor = 0;
  const referredBy = async (agentId: number, first: string, email: string) => {
    visitor++;
    const click = await core.tracking.click(String(agentId), { ip: `192.0.2.${visitor}`, userAgent: BROWSER, referer: '' });
    if (!click.cookie) throw new Error(`the demo click for agent ${agentId} was not counted (${click.skipped ?? 'no cookie'})`);
    return client(first, 'Customer', email, click.cookie.value);
  };

  const paula = await core.agents.activateForClient(await client('Paula', 'Promoted', LIFECYCLE.promoted), program.id);
  const items = program.def.tiers.flatMap((t) => t.requirements?.checklist ?? []);
  await core.checklists.set(paula.id, items, { sip_trunk: '1', sales_certifications: '1', agreement: '1' }, 'admin:demo');
  // Dan joins a month into the quarter, so that his probation (90 days) is not due by its end.
  clock.set(q.start + 30 * DAY);
  const dan = await core.agents.activateForClient(await client('Dan', 'Demoted', LIFECYCLE.demoted), program.id);
  await core.tierChanges.override(dan.id, 'bronze', 'demo: brought over from a partner network', 'admin:demo');
  await referredBy(dan.id, 'Otieno', 'otieno@example.com');
  await referredBy(dan.id, 'Achieng', 'achieng@example.com');

  // Paula's three new customers, one a month, each a KES 60,000.00 yearly subscription (her 10 % one-off: KES 6,000.00).
  for (const [n, name] of ['Kamau', 'Njeri', 'Mwangi'].entries()) {
    clock.set(q.start + (10 + 30 * n) * DAY);
    const buyer = await referredBy(paula.id, name, `${name.toLowerCase()}@example.com`);
    await billing.payInvoice(await billing.placeOrder(buyer, yearly));
  }
  // The first cron after the quarter (its evaluation is decided in Nairobi's new quarter).
  clock.set(Math.min(q.end + 6 * 3_600_000, mainStart));
  await billing.runDailyCron(true);
  // Paula keeps Bronze: three more new customers in the next quarter, should it end before today.
  clock.set(mainStart);
  for (const name of ['Wairimu', 'Kiprop', 'Chebet']) {
    const buyer = await referredBy(paula.id, name, `${name.toLowerCase()}@example.com`);
    await billing.payInvoice(await billing.placeOrder(buyer, yearly));
  }
}
