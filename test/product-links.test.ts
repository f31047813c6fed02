import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost } from './support/host-fixture';
import { BROWSER } from './support/user-agents';

const CLIENT_PAGE = '/index.php?m=agenttools';

onEachDatabase('per-product links (Cloudlessons)', ({ current }) => {
  let f: Fixture;
  let agentId: number;
  let page: string;

  before(async () => {
    f = await startHost(current().db);
    const core = f.host.agentTools.services;
    const program = await core.programs.load({
      slug: 'lessons',
      name: 'Lessons',
      terms_version: 1,
      currency: 'USD',
      timezone: 'Europe/Moscow',
      cookie_days: 7,
      hold_days: 0,
      tiers: [
        { key: 'base', name: 'Base' },
        { key: 'gold', name: 'Gold' },
      ],
      default_tier: 'base',
      levels: [
        { min_paid_orders: 0, multiplier_bp: 10000 },
        { min_paid_orders: 10, multiplier_bp: 11000 },
      ],
      rules: [
        { id: 'server', products: [f.productId], rate_bp: 3500, recurrence: 'first_invoice' },
        { id: 'dedicated', products: [f.setupProductId], fixed: '5.00' },
        { id: 'gold-only', products: [999], tiers: ['gold'], rate_bp: 4000 },
        { id: 'support', role: 'technical', products: [f.productId], rate_bp: 1000 },
        { id: 'rest', rate_bp: 1000 },
      ],
      payout: { thresholds: { USD: '10.00' } },
    });
    const clientId = await signUp(f.host, await session(f.host), 'teacher@example.com');
    agentId = (await core.agents.activateForClient(clientId, program.program.id)).id;
    page = (await (await session(f.host, { email: 'teacher@example.com' })).agent.get(`${CLIENT_PAGE}&action=links`)).text;
  });
  after(() => f.host.stop());

  it('lists each product the agent earns a product rate on, with the rate and a deep link to it', () => {
    const table = page.slice(page.indexOf('data-testid="product-links"'));
    const rows = [
      ...table
        .slice(0, table.indexOf('</table>'))
        .matchAll(/<tr><td data-label="[^"]*">([^<]*)<\/td><td data-label="[^"]*">([^<]*)<\/td><td data-label="[^"]*"><input class="copy" id="[^"]*" readonly value="([^"]*)"/g),
    ].map((m) => [m[1], m[2], m[3]]);
    const link = (pid: number) => `http://billing.test/aff.php?aff=${agentId}&amp;to=%2F%3Fpid%3D${pid}`;
    expect(rows).to.deep.equal([
      ['Cloud Server M', '35 % on the customer&#39;s first paid order', link(f.productId)],
      ['Dedicated Server', 'USD\u00a05.00 on every paid invoice', link(f.setupProductId)],
    ]);
    expect(page).to.contain('Rates before your level&#39;s multiplier.');
  });

  it('a product link counts like the referral link and lands on the product, on this site', async () => {
    const res = await request(f.host.app)
      .get(`/aff.php?aff=${agentId}&to=${encodeURIComponent(`/?pid=${f.productId}`)}`)
      .set('User-Agent', BROWSER);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal(`/?pid=${f.productId}`);
    expect(String(res.headers['set-cookie'])).to.contain(`agenttools_ref=${agentId}.`);
  });
});
