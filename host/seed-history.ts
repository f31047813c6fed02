import type { ManualClock } from '../module/core/clock';
import { T } from '../module/db/tables';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import type { Host } from './app';

const DAY = 86_400_000;
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
/** How far back the demo's year of activity reaches: the Overview's 12 months, and a few days more. */
export const HISTORY_DAYS = 370;
/** Monday to Sunday (index 1..7 → 0..6 from Monday): people click at work, less at the weekend. */
const WEEK = [1.1, 1.2, 1.15, 1.1, 0.9, 0.55, 0.5];
const SOURCES: [string, number][] = [
  ['blog', 0.45],
  ['newsletter', 0.25],
  ['youtube', 0.15],
  ['Default', 0.15],
];
const FIRST_NAMES = ['Amina', 'Brian', 'Chen', 'Diego', 'Esther', 'Farah', 'Gita', 'Hassan', 'Ivy', 'Juma', 'Kofi', 'Lena', 'Moses', 'Nora', 'Omar', 'Priya'];

export interface HistoryAgent {
  agentId: number;
  /** The host's products a referred client buys, one picked per sale (earlier ones more often). */
  products: number[];
  currency: string;
  /** Clicks on an ordinary weekday at the end of the year; a year ago half as many. */
  clicksPerDay: number;
  /** New clients a month; the other sales (about one a month in all) are to clients the agent has. */
  signupsPerMonth: number;
  /** Share of sign-ups who buy and pay. */
  paying: number;
  /** Keeps each agent's sign-ups' e-mails and addresses apart. */
  tag: string;
  ipBlock: number;
}

export interface HistoryMade {
  clicks: number;
  signups: number;
  sales: number;
}

/** A small seeded PRNG (mulberry32): the same demo every time. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <V>(rand: () => number, weighted: [V, number][]): V => {
  let r = rand();
  for (const [v, w] of weighted) if ((r -= w) < 0) return v;
  return (weighted.at(-1) ?? weighted[0] ?? [undefined as never])[0];
};

/**
 * A year of an agent's activity before `end`: clicks every day with a weekly rhythm and a few
 * sources, growing over the year; a sale every month or so, to a new client (most who sign
 * up buy and pay) or again to one the agent has. The
 * clicks are written in bulk, as the click buffer writes them (the roll-ups are rebuilt after
 * the seed); each sign-up comes through a counted click, the host's sign-up and its billing, so
 * that the module's hooks make the referral and the commission. The clock is set back to each
 * sign-up's day and left at the last; the caller moves it on.
 */
export async function seedHistory(host: Host, clock: ManualClock, end: number, who: HistoryAgent, seed: number, password: string): Promise<HistoryMade> {
  const { db, billing } = host;
  const core = host.agentTools.services;
  const rand = prng(seed);
  const hex = () =>
    Math.floor(rand() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  const today = Math.floor(end / DAY) * DAY;
  const made: HistoryMade = { clicks: 0, signups: 0, sales: 0 };

  const clicks: Record<string, unknown>[] = [];
  // Up to now: today's share of its day so far.
  for (let back = HISTORY_DAYS; back >= 0; back--) {
    const day = today - back * DAY;
    const length = Math.min(DAY, end - day);
    const weekday = (new Date(day).getUTCDay() + 6) % 7;
    const growth = 0.5 + 0.5 * (1 - back / HISTORY_DAYS);
    const n = Math.round((who.clicksPerDay * (WEEK[weekday] ?? 1) * growth * (0.7 + 0.6 * rand()) * length) / DAY);
    for (let i = 0; i < n; i++) {
      clicks.push({
        agent_id: who.agentId,
        uid: hex() + hex() + hex() + hex(),
        created_at: day + Math.floor(rand() * length),
        ip: `203.0.113.${1 + Math.floor(rand() * 254)}`,
        user_agent: BROWSER,
        referer: '',
        source: pick(rand, SOURCES),
      });
    }
  }
  await db.batchInsert(T.clicks, clicks, 100);
  made.clicks += clicks.length;

  // Every month or so something is sold: to a new client who signs up through the agent's
  // link, or again to one of the agent's clients (each sign-up costs a password hash: they are few).
  const STEP = 30;
  const buyers: number[] = [];
  for (let back = HISTORY_DAYS - Math.floor(rand() * STEP); back >= 2; back -= Math.max(1, Math.round(STEP * (0.75 + 0.5 * rand())))) {
    clock.set(today - back * DAY + (9 + Math.floor(rand() * 9)) * 3_600_000);
    let client = buyers[Math.floor(rand() * buyers.length)];
    if (client === undefined || rand() < (who.signupsPerMonth * STEP) / 30) {
      made.signups++;
      const source = pick(rand, SOURCES);
      const click = await core.tracking.click(String(who.agentId), { ip: `198.18.${who.ipBlock}.${made.signups}`, userAgent: BROWSER, referer: '' }, source === 'Default' ? undefined : source);
      if (!click.cookie) throw new Error(`the demo's history click for agent ${who.agentId} was not counted (${click.skipped ?? 'no cookie'})`);
      made.clicks++;
      const first = FIRST_NAMES[Math.floor(rand() * FIRST_NAMES.length)] ?? 'Alex';
      client = await billing.createClient(
        { firstname: first, lastname: 'Customer', email: `${first.toLowerCase()}.${who.tag}${made.signups}@example.net`, password, currency: who.currency },
        { request: { cookies: { [REFERRAL_COOKIE]: click.cookie.value } } },
      );
      if (rand() >= who.paying) continue;
      buyers.push(client);
    }
    const product = who.products[Math.floor(rand() * rand() * who.products.length)] ?? who.products[0];
    if (product === undefined) throw new Error('a history agent needs a product to sell');
    const invoice = await billing.placeOrder(client, product);
    await billing.payInvoice(invoice);
    made.sales++;
  }
  return made;
}
