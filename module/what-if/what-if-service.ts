import type { Knex } from 'knex';
import { T } from '../db/tables';
import { RuleError } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { AgentService } from '../agents/agent-service';
import { parseDefinition } from '../programs/definition';
import { readProgramText, type Program, type ProgramService } from '../programs/program-service';
import { currency } from '../money/currencies';
import { minor, type Minor } from '../money/amount';
import { asRows, num, text } from '../db/columns';
import { remainingOf } from '../commissions';
import { InvoiceFactsReader, SALES_ROLES, type InvoiceFacts } from './invoice-facts';
import { periodOf, type Period } from './period';
import { replayInvoice, type EarnedRules } from './replay';

export interface WhatIfRow {
  agentId: number;
  agentName: string;
  currency: string;
  earned: Minor;
  wouldEarn: Minor;
  difference: Minor;
}

export interface WhatIfResult {
  program: Program;
  period: Period;
  invoices: number;
  rows: WhatIfRow[];
  totals: Omit<WhatIfRow, 'agentId' | 'agentName'>[];
}

const PAGE = 500;

/**
 * Before an admin loads a new version of a program: what each agent would have earned over a past
 * period under the new terms, beside what they did earn. The period's paid invoices are replayed
 * through the rules engine with the same claims (the agents the commissions were made for, or the
 * referral of the time); only reads, nothing is written.
 */
export class WhatIfService {
  private readonly facts: InvoiceFactsReader;

  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'getInvoice' | 'invoicesChangedSince' | 'exchangeRate' | 'getClient'>,
    agents: Pick<AgentService, 'get' | 'performersOf'>,
    private readonly programs: Pick<ProgramService, 'get'>,
  ) {
    this.facts = new InvoiceFactsReader(db, host, agents);
  }

  async compare(programId: number, definition: string, from: string, to: string): Promise<WhatIfResult> {
    const program = await this.programs.get(programId);
    if (!program) throw new RuleError('what_if.error.no_program', 'program_id');
    const def = parseDefinition(readProgramText(definition));
    if (def.slug !== program.slug) throw new RuleError('what_if.error.other_program', 'definition', { definition: def.slug, program: program.slug });
    const next: Program = { ...program, version: program.version + 1, def, currency: currency(def.currency), timezone: def.timezone };
    const period = periodOf(from, to, program.timezone);

    const all: InvoiceFacts[] = [];
    for (const id of await this.invoiceIds(program.id, period)) {
      const f = await this.facts.read(program.id, id);
      if (f && f.paidAt >= period.start && f.paidAt < period.end) all.push(f);
    }
    all.sort((a, b) => a.paidAt - b.paidAt || a.invoice.id - b.invoice.id);

    const earned = await this.rulesEarnedBefore(program.id, period.start);
    const sums = new Map<string, { agentId: number; currency: string; earned: number; wouldEarn: number }>();
    const add = (agentId: number, cur: string, field: 'earned' | 'wouldEarn', amount: number) => {
      const key = `${agentId}:${cur}`;
      const s = sums.get(key) ?? { agentId, currency: cur, earned: 0, wouldEarn: 0 };
      s[field] += amount;
      sums.set(key, s);
    };
    for (const f of all) {
      for (const c of f.recorded) if (c.status !== 'rejected') add(c.agentId, c.currency, 'earned', remainingOf(c));
      const rates = new Map<string, string | null>();
      if (f.invoice.currency !== next.currency && def.convert_currencies) rates.set(next.currency, await this.host.exchangeRate(f.invoice.currency, next.currency));
      for (const r of replayInvoice(f, next, rates, earned)) add(r.agentId, r.currency, 'wouldEarn', r.amount);
    }

    const rows: WhatIfRow[] = [];
    for (const s of [...sums.values()].sort((a, b) => a.agentId - b.agentId || a.currency.localeCompare(b.currency))) {
      rows.push({ ...s, agentName: await this.nameOf(s.agentId), earned: minor(s.earned), wouldEarn: minor(s.wouldEarn), difference: minor(s.wouldEarn - s.earned) });
    }
    const totals = new Map<string, { currency: string; earned: number; wouldEarn: number }>();
    for (const r of rows) {
      const t = totals.get(r.currency) ?? { currency: r.currency, earned: 0, wouldEarn: 0 };
      t.earned += r.earned;
      t.wouldEarn += r.wouldEarn;
      totals.set(r.currency, t);
    }
    return {
      program,
      period,
      invoices: all.length,
      rows,
      totals: [...totals.values()].map((t) => ({ currency: t.currency, earned: minor(t.earned), wouldEarn: minor(t.wouldEarn), difference: minor(t.wouldEarn - t.earned) })),
    };
  }

  /** The invoices the program's commissions were made on in the period, and every one the host says was paid in it. */
  private async invoiceIds(programId: number, period: Period): Promise<number[]> {
    const ids = new Set<number>(
      asRows(await this.db(T.commissions).where({ program_id: programId }).where('created_at', '>=', period.start).where('created_at', '<', period.end).distinct('invoice_id')).map((r) =>
        num(r.invoice_id),
      ),
    );
    for (let after = 0; ;) {
      const page = await this.host.invoicesChangedSince(period.start, after, PAGE);
      for (const i of page) if (i.date_paid !== null && i.date_paid >= period.start && i.date_paid < period.end) ids.add(i.id);
      const last = page[page.length - 1];
      if (!last || page.length < PAGE) break;
      after = last.id;
    }
    return [...ids].sort((a, b) => a - b);
  }

  private async rulesEarnedBefore(programId: number, start: number): Promise<EarnedRules> {
    const earned: EarnedRules = new Map();
    const rows = await this.db(T.commissions)
      .where({ program_id: programId })
      .whereIn('role', SALES_ROLES)
      .where('created_at', '<', start)
      .whereNotIn('status', ['voided', 'rejected'])
      .whereNotNull('sales_rule')
      .distinct('agent_id', 'client_id', 'sales_rule');
    for (const r of asRows(rows)) {
      const key = `${num(r.agent_id)}:${num(r.client_id)}`;
      earned.set(key, (earned.get(key) ?? new Set()).add(text(r.sales_rule)));
    }
    return earned;
  }

  private async nameOf(agentId: number): Promise<string> {
    const row = asRows(await this.db(T.agents).where({ id: agentId }).select('client_id'))[0];
    const client = row ? await this.host.getClient(num(row.client_id)) : null;
    return client ? `${client.firstname} ${client.lastname}` : `#${agentId}`;
  }
}
