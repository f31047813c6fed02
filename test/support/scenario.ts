import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createAgentTools, type AgentTools } from '../../module/agenttools';
import { ManualClock } from '../../module/core/clock';
import { MemoryLogger } from '../../module/core/logger';
import { readProgramText, type Program } from '../../module/programs/program-service';
import { verifyLedger } from '../../module/ledger/verify';
import { registerHooks } from '../../hooks';
import type { HookHandler, HookName } from '../../module/contract/hooks';
import { REFERRAL_COOKIE } from '../../module/tracking/referral-cookie';
import type { Certification } from '../../module/programs/definition';
import { T } from '../../module/db/tables';
import { RuleError } from '../../module/core/errors';
import { MemoryHost, type InvoiceLineSpec } from './memory-host';
import { BROWSER } from './user-agents';

export const EXAMPLES = path.resolve(__dirname, '../../examples/programs');

/**
 * A program run end to end through host events: the scenario tests read like the seed programs
 * ("a Titanium agent who sold and performed a training service earns 63 %") and every amount is
 * written out. After each scenario the ledger must verify.
 */
export class Scenario {
  readonly host = new MemoryHost();
  readonly clock: ManualClock;
  readonly tools: AgentTools;
  private readonly hooks = new Map<HookName, HookHandler>();
  private nextClient = 1;
  private nextInvoice = 1;

  constructor(
    readonly db: Knex,
    startAt: string,
  ) {
    this.clock = new ManualClock();
    this.clock.set(startAt);
    this.tools = createAgentTools({ db, host: this.host, clock: this.clock, logger: new MemoryLogger(), secret: 'scenario-secret' });
  }

  get services() {
    return this.tools.services;
  }

  async start(): Promise<this> {
    await this.tools.activate();
    registerHooks((name, _p, h) => this.hooks.set(name, h), this.tools);
    return this;
  }

  /** Loads examples/programs/<file> (or any definition object). */
  async program(fileOrDefinition: string | object): Promise<Program> {
    const raw = typeof fileOrDefinition === 'string' ? readProgramText(fs.readFileSync(path.join(EXAMPLES, fileOrDefinition), 'utf8')) : fileOrDefinition;
    return (await this.services.programs.load(raw)).program;
  }

  async fire(name: HookName, vars: unknown, ctx?: Parameters<HookHandler>[1]): Promise<void> {
    await this.hooks.get(name)!(vars, ctx);
  }

  /** A client account made an agent of the program, with optional tier, rate and certification. */
  async agent(program: Program, terms: { tier?: string; ratePercentBp?: number; certification?: Certification } = {}): Promise<number> {
    const clientId = this.nextClient++;
    this.host.addClient(clientId);
    const agent = await this.services.agents.activateForClient(clientId, program.id);
    if (terms.tier || terms.ratePercentBp !== undefined || terms.certification) {
      await this.services.agents.setTerms(agent.id, { tier: terms.tier ?? agent.tier, rateBp: terms.ratePercentBp ?? null, certification: terms.certification ?? null });
    }
    return agent.id;
  }

  /** A visitor follows the agent's link now and signs up `afterDays` later: a new client. */
  async referredClient(agentId: number, afterDays = 0): Promise<number> {
    const cookie = await this.click(agentId);
    this.clock.advanceDays(afterDays);
    return this.signsUp(cookie);
  }

  /** A visitor follows the agent's referral link now; returns the cookie value the browser keeps. */
  async click(agentId: number): Promise<string> {
    const click = await this.services.tracking.click(String(agentId), { ip: '203.0.113.1', userAgent: BROWSER, referer: '' });
    if (!click.cookie) throw new Error(`agent ${agentId} has no working link`);
    return click.cookie.value;
  }

  /** A new client signs up now, carrying the referral cookie if any: ClientAdd fires. */
  async signsUp(cookie?: string): Promise<number> {
    const clientId = this.nextClient++;
    this.host.addClient(clientId);
    const cookies = cookie ? { [REFERRAL_COOKIE]: cookie } : {};
    await this.fire('ClientAdd', { client_id: clientId, user_id: clientId, email: `client${clientId}@example.com`, firstname: 'C', lastname: 'L' }, { request: { cookies } });
    return clientId;
  }

  /** The agent the client is assigned to, or null. */
  async agentOf(clientId: number): Promise<number | null> {
    const referral = await this.services.assignments.forClient(clientId);
    return referral && referral.endedAt === null ? referral.agentId : null;
  }

  /** The agent asks to withdraw an amount typed as a person would ("50.00"). */
  async withdraw(agentId: number, amountText: string) {
    const agent = (await this.services.agents.get(agentId))!;
    const program = (await this.services.programs.get(agent.programId))!;
    return this.services.withdrawals.request(agent, program, amountText);
  }

  /** Every withdrawal or scheduled payout of the agent as [amount, status], in id order. */
  async withdrawalsOf(agentId: number): Promise<[number, string][]> {
    const rows = await this.db(T.withdrawals).where({ agent_id: agentId }).orderBy('id');
    return rows.map((r) => [Number(r.amount_minor), String(r.status)]);
  }

  /** The client pays an invoice now; returns its id and its lines' ids. */
  async pays(clientId: number, lines: InvoiceLineSpec[], currency?: string): Promise<{ invoiceId: number; lineIds: number[] }> {
    const invoiceId = this.nextInvoice++;
    const inv = this.host.addInvoice(invoiceId, clientId, lines, this.clock.now(), currency ?? this.defaultCurrency);
    await this.fire('InvoicePaid', { invoiceid: invoiceId });
    return { invoiceId, lineIds: inv.lines.map((l) => l.id) };
  }

  /** An invoice the client has not paid yet, so that who performs a line can be recorded first. */
  unpaid(clientId: number, lines: InvoiceLineSpec[], currency?: string): { invoiceId: number; lineIds: number[]; pay: () => Promise<void> } {
    const invoiceId = this.nextInvoice++;
    const inv = this.host.addInvoice(invoiceId, clientId, lines, this.clock.now(), currency ?? this.defaultCurrency);
    inv.status = 'Unpaid';
    return {
      invoiceId,
      lineIds: inv.lines.map((l) => l.id),
      pay: async () => {
        inv.status = 'Paid';
        inv.date_paid = this.clock.now();
        await this.fire('InvoicePaid', { invoiceid: invoiceId });
      },
    };
  }

  defaultCurrency = 'USD';

  async refund(invoiceId: number, amountMinor?: number, refundId?: string): Promise<void> {
    await this.fire('InvoiceRefunded', { invoiceid: invoiceId, ...(amountMinor ? { amount_minor: amountMinor } : {}), ...(refundId ? { refund_id: refundId } : {}) });
  }

  /** Moves the clock and runs the daily cron. */
  async daysPass(days: number): Promise<void> {
    this.clock.advanceDays(days);
    await this.fire('DailyCronJob', {});
  }

  async balances(agentId: number, currency = this.defaultCurrency) {
    const b = await this.services.ledger.balances(agentId, currency);
    return { pending: b.pending, available: b.available, reserved: b.reserved, withdrawn: b.withdrawn };
  }

  /** Every commission of the invoice as [agent, amount, status], in id order. */
  async commissionsOf(invoiceId: number): Promise<[number, number, string][]> {
    const rows = await this.db(T.commissions).where({ invoice_id: invoiceId }).orderBy('id');
    return rows.map((r) => [Number(r.agent_id), Number(r.amount_minor), String(r.status)]);
  }

  async mustVerify(): Promise<void> {
    const report = await verifyLedger(this.db);
    expect(report.problems).to.deep.equal([]);
  }

  async stop(): Promise<void> {
    await this.tools.stop();
  }
}

/** The promise must fail with a RuleError (the refusal a person sees), optionally on a field and with a message. */
export async function expectRuleError(p: Promise<unknown>, field?: string, message?: RegExp): Promise<RuleError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, 'a RuleError').to.be.instanceOf(RuleError);
  const err = caught as RuleError;
  if (field !== undefined) expect(err.field).to.equal(field);
  if (message) expect(err.message).to.match(message);
  return err;
}

/**
 * The ledger must verify after every scenario of a block, and once more when the block ends,
 * before its scenario stops. `get` returns the block's Scenario (undefined if `before` failed).
 */
export function verifyAfterEach(get: () => Scenario | undefined): void {
  afterEach(async () => {
    await get()?.mustVerify();
  });
  after(async () => {
    const s = get();
    if (!s) return;
    await s.mustVerify();
    await s.stop();
  });
}
