import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { MemoryHost } from './support/memory-host';
import { createAgentTools } from '../module/agenttools';
import { ManualClock } from '../module/core/clock';
import { MemoryLogger } from '../module/core/logger';
import { config } from '../module/config';
import { T } from '../module/db/tables';
import { dialectOf } from '../module/db/connection';
import { registerHooks } from '../hooks';
import type { HookHandler, HookName } from '../module/contract/hooks';

onEachDatabase('the module entry: config, activate, deactivate, upgrade', ({ current }) => {
  const host = new MemoryHost();
  const clock = new ManualClock(Date.parse('2026-01-05T10:00:00Z'));
  const make = () =>
    createAgentTools({
      db: current().db,
      host,
      clock,
      logger: new MemoryLogger(),
      settings: { commission_percent: '12.5', cookie_days: '7', hold_days: '45', currency: 'KES', payout_threshold: '10000', timezone: 'Africa/Nairobi' },
    });

  it('declares itself in the WHMCS config shape, with typed settings and defaults', () => {
    expect(config.name).to.equal('Agent Tools');
    expect(config.version).to.match(/^\d+\.\d+\.\d+$/);
    expect(config.fields.cookie_days).to.include({ Type: 'text', Default: '90' });
  });

  it('activate creates only mod_agenttools_ tables, and a second activate changes nothing', async () => {
    const first = await make().activate();
    expect(first.status).to.equal('success');
    const tables = async () => {
      const db = current().db;
      const rows: string[] =
        dialectOf(db) === 'mysql'
          ? ((await db.raw('SHOW TABLES')) as [Record<string, string>[]])[0].map((r) => String(Object.values(r)[0]))
          : (await db.raw<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map((r) => r.name);
      return rows.sort();
    };
    const after1 = await tables();
    expect(after1.length).to.be.greaterThan(5);
    for (const t of after1) expect(t).to.match(/^mod_agenttools_/);
    expect(await make().activate()).to.include({ status: 'success' });
    expect(await tables()).to.deep.equal(after1);
    expect(await current().db(T.programs)).to.have.length(1);
  });

  it('the default program comes from the settings, exactly', async () => {
    const program = await make().services.programs.bySlug('default');
    expect(program).to.include({ currency: 'KES', cookieDays: 7, holdDays: 45, timezone: 'Africa/Nairobi', payoutThreshold: 1_000_000, version: 1 });
    expect(program!.def.rules).to.deep.equal([{ id: 'default', rate_bp: 1250, products: [], categories: [], tiers: [], role: 'sales', never: false, agent_rate: false, recurrence: 'lifetime' }]);
  });

  it('after deactivate the hooks change nothing and the data stays; upgrade runs forward', async () => {
    const tools = make();
    await tools.activate();
    host.addClient(1);
    host.addClient(2);
    const agent = await tools.services.agents.activateForClient(1, (await tools.services.programs.bySlug('default'))!.id);
    await tools.services.assignments.assign(2, agent.id, 'admin', 'moved from the old system');
    host.addPaidInvoice(500, 2, [100_000], clock.now(), 'KES');

    const handlers = new Map<HookName, HookHandler>();
    registerHooks((name, _p, h) => handlers.set(name, h), tools);
    await tools.deactivate();
    await handlers.get('InvoicePaid')!({ invoiceid: 500 });
    expect(await current().db(T.commissions)).to.have.length(0);
    expect(await current().db(T.agents)).to.have.length(1);

    expect((await tools.upgrade('0.0.1')).status).to.equal('success');
    await tools.activate();
    await handlers.get('InvoicePaid')!({ invoiceid: 500 });
    const [c] = await current().db(T.commissions);
    expect(Number(c.amount_minor)).to.equal(12_500);
    await tools.stop();
  });

  it('ClientClose keeps the referral, marked closed', async () => {
    const tools = make();
    await tools.activate();
    const handlers = new Map<HookName, HookHandler>();
    registerHooks((name, _p, h) => handlers.set(name, h), tools);
    await handlers.get('ClientClose')!({ userid: 2 });
    const r = await tools.services.assignments.forClient(2);
    expect(r?.closedAt).to.equal(clock.now());
    await tools.stop();
  });
});
