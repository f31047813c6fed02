import type { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { DateTime } from 'luxon';
import type { HostApi } from '../contract/host-api';
import type { Clock } from '../core/clock';
import type { Agent, AgentService } from '../agents/agent-service';
import type { Program, ProgramService } from '../programs/program-service';
import type { SettingsStore } from '../settings/settings-store';
import { add, toDecimalString, ZERO } from '../money/amount';
import { currency } from '../money/currencies';
import type { ViewHelpers } from '../http/render';
import { renderPdf, type PdfColumn } from './tax-pdf';
import { type TaxedPayout, type TaxPayouts, daySpan, taxedPayout } from './tax-payouts';
import type { TaxProfileService } from './tax-profile-service';

/** The setting that names the provider on certificates and statements; the host's site address when unset. */
export const PROVIDER_NAME_SETTING = 'tax_provider_name';

/** A cell a spreadsheet would read as a formula (=, +, -, @, a tab or a carriage return first) is written as text. */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A rate in basis points as a plain percentage with two decimals ("5.00"), for the report's rate column. */
function percentDecimal(bp: number): string {
  return `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;
}

export interface TaxDocumentsDeps {
  payouts: TaxPayouts;
  profiles: Pick<TaxProfileService, 'forAgent'>;
  agents: Pick<AgentService, 'get'>;
  programs: Pick<ProgramService, 'get' | 'list'>;
  host: Pick<HostApi, 'getClient' | 'siteUrl'>;
  settings: Pick<SettingsStore, 'get'>;
  clock: Clock;
}

/** The helpers a document is written with: the reader's words, money, dates and locale. */
type Helpers = Pick<ViewHelpers, 't' | 'money' | 'date' | 'locale' | 'rate'>;

/**
 * The documents of the tax kept back: a certificate per agent and year, a self-billing statement
 * per payout (both PDF), and the provider's report per period (CSV, streamed). Every text is a
 * lang key, in the reader's language (the helpers of the request); money through Intl in its
 * locale; days in the program's time zone. The provider's CSV report keeps the admin's language.
 */
export class TaxDocuments {
  constructor(private readonly deps: TaxDocumentsDeps) {}

  /** Why the payout's tax is what it is, as a sentence. */
  explain(basis: TaxedPayout['basis'], h: Helpers): string {
    if (!basis) return h.t('tax.basis.flat');
    const v = basis.vars;
    const status = typeof v.status === 'string' ? h.t(`tax.status.${v.status}`) : '';
    const residency = typeof v.residency === 'string' ? country(v.residency, h.locale) : '';
    return h.t(basis.key, { ...v, rate: typeof v.rate === 'number' ? h.rate(v.rate) : String(v.rate ?? ''), status, residency });
  }

  private async provider(): Promise<string> {
    return (await this.deps.settings.get(PROVIDER_NAME_SETTING)) ?? this.deps.host.siteUrl();
  }

  private async agentName(agent: Agent): Promise<string> {
    const client = await this.deps.host.getClient(agent.clientId);
    if (!client) return `#${agent.id}`;
    return client.companyname || `${client.firstname} ${client.lastname}`.trim();
  }

  private async agentAndProgram(agentId: number): Promise<{ agent: Agent; program: Program }> {
    const agent = await this.deps.agents.get(agentId);
    if (!agent) throw new Error(`agent ${agentId} does not exist`);
    const program = await this.deps.programs.get(agent.programId);
    if (!program) throw new Error(`program ${agent.programId} of agent ${agentId} is missing`);
    return { agent, program };
  }

  /** The tax id the documents print: the one the last payout used, else the profile's today. */
  private async taxIdOf(agentId: number, payouts: TaxedPayout[], h: Helpers): Promise<string> {
    const used = [...payouts].reverse().find((p) => typeof p.basis?.vars.tax_id === 'string');
    if (used) return String(used.basis?.vars.tax_id);
    return (await this.deps.profiles.forAgent(agentId))?.taxId ?? h.t('tax.none');
  }

  private columns(h: Helpers): PdfColumn[] {
    const t = h.t;
    return [
      { label: t('tax.col.date'), width: 14 },
      { label: t('tax.col.payout'), width: 14 },
      { label: t('tax.col.gross'), width: 20, numeric: true },
      { label: t('tax.col.rate'), width: 10, numeric: true },
      { label: t('tax.col.tax'), width: 20, numeric: true },
      { label: t('tax.col.net'), width: 20, numeric: true },
    ];
  }

  private row(p: TaxedPayout, zone: string, h: Helpers): string[] {
    return [h.date(p.paidAt, zone), this.statementNumber(p.id), h.money(p.gross, p.currency), h.rate(p.rateBp), h.money(p.tax, p.currency), h.money(p.net, p.currency)];
  }

  /** This year and the two before, in a zone: the certificates an agent is offered. */
  recentYears(zone: string): number[] {
    const current = DateTime.fromMillis(this.deps.clock.now(), { zone }).year;
    return [current, current - 1, current - 2];
  }

  statementNumber(payoutId: number): string {
    return `SB-${String(payoutId).padStart(6, '0')}`;
  }

  /** The agent's withholding-tax certificate for a calendar year of the program's zone. */
  async certificate(agentId: number, year: number, h: Helpers): Promise<Buffer> {
    const t = h.t;
    const { agent, program } = await this.agentAndProgram(agentId);
    const payouts = await this.deps.payouts.ofAgentYear(agentId, year, program.timezone);
    const provider = await this.provider();
    const totals = { gross: ZERO, tax: ZERO, net: ZERO };
    for (const p of payouts) {
      totals.gross = add(totals.gross, p.gross);
      totals.tax = add(totals.tax, p.tax);
      totals.net = add(totals.net, p.net);
    }
    const cur = program.currency;
    return renderPdf({
      title: t('tax.certificate.title', { year }),
      facts: [
        [t('tax.doc.provider'), provider],
        [t('tax.doc.agent'), await this.agentName(agent)],
        [t('tax.doc.tax_id'), await this.taxIdOf(agentId, payouts, h)],
        [t('tax.doc.program'), program.name],
        [t('tax.doc.year'), String(year)],
      ],
      columns: this.columns(h),
      rows: payouts.map((p) => this.row(p, program.timezone, h)),
      totals: [t('tax.col.total'), '', h.money(totals.gross, cur), '', h.money(totals.tax, cur), h.money(totals.net, cur)],
      notes: [payouts.length ? t('tax.certificate.note', { provider, year }) : t('tax.certificate.empty', { year }), t('tax.doc.zone', { zone: program.timezone })],
    });
  }

  /** The self-billing statement of one paid payout. */
  async statement(payout: TaxedPayout, h: Helpers): Promise<Buffer> {
    const t = h.t;
    const { agent, program } = await this.agentAndProgram(payout.agentId);
    const provider = await this.provider();
    const zone = program.timezone;
    const description = payout.period
      ? t('tax.statement.line_period', { period: payout.period, program: program.name })
      : t('tax.statement.line_request', { date: h.date(payout.requestedAt, zone), program: program.name });
    return renderPdf({
      title: t('tax.statement.title', { number: this.statementNumber(payout.id) }),
      facts: [
        [t('tax.statement.number'), this.statementNumber(payout.id)],
        [t('tax.statement.issued'), h.date(payout.paidAt, zone)],
        [t('tax.statement.requested'), h.date(payout.requestedAt, zone)],
        [t('tax.doc.provider'), provider],
        [t('tax.doc.agent'), await this.agentName(agent)],
        [t('tax.doc.tax_id'), await this.taxIdOf(payout.agentId, [payout], h)],
        [t('tax.doc.program'), program.name],
      ],
      columns: [
        { label: t('tax.col.description'), width: 36 },
        { label: t('tax.col.gross'), width: 18, numeric: true },
        { label: t('tax.col.rate'), width: 10, numeric: true },
        { label: t('tax.col.tax'), width: 18, numeric: true },
        { label: t('tax.col.net'), width: 18, numeric: true },
      ],
      rows: [[description, h.money(payout.gross, payout.currency), h.rate(payout.rateBp), h.money(payout.tax, payout.currency), h.money(payout.net, payout.currency)]],
      totals: [t('tax.col.total'), h.money(payout.gross, payout.currency), '', h.money(payout.tax, payout.currency), h.money(payout.net, payout.currency)],
      notes: [this.explain(payout.basis, h), t('tax.statement.self_billing', { provider })],
    });
  }

  /**
   * The provider's report of tax kept back on payouts paid from one day to another (inclusive),
   * each day read in its program's zone, written to `out` as CSV row by row. Text cells that a
   * spreadsheet would run as a formula are written as text.
   */
  async report(from: string, to: string, out: Writable, t: Helpers['t']): Promise<void> {
    const header = ['payout', 'agent', 'tax_id', 'residency', 'status', 'date', 'currency', 'gross', 'rate', 'tax', 'net'].map((c) => t(`tax.report.${c}`));
    await pipeline(Readable.from(this.reportLines(from, to)), stringify({ header: true, columns: header }), out);
  }

  private async *reportLines(from: string, to: string): AsyncGenerator<string[]> {
    const programs = new Map((await this.deps.programs.list()).map((p) => [p.id, p]));
    // A day's bounds differ by zone: read a day more on each side, then keep each payout whose
    // program's own day falls in the period.
    const wide = daySpan(from, to, 'UTC');
    const [start, end] = [wide.start - 86_400_000, wide.end + 86_400_000];
    // Names first: no other query may run while the stream holds SQLite's one connection.
    const names = new Map<number, string>();
    for (const agentId of await this.deps.payouts.agentsPaidBetween(start, end)) {
      const agent = await this.deps.agents.get(agentId);
      names.set(agentId, agent ? await this.agentName(agent) : `#${agentId}`);
    }
    for await (const raw of this.deps.payouts.streamPaidBetween(start, end)) {
      const p = taxedPayout(raw);
      const zone = programs.get(p.programId)?.timezone ?? 'UTC';
      const day = DateTime.fromMillis(p.paidAt, { zone }).toFormat('yyyy-LL-dd');
      if (day < from || day > to) continue;
      const name = names.get(p.agentId) ?? `#${p.agentId}`;
      const v = p.basis?.vars ?? {};
      const fact = (key: string) => safeCell(typeof v[key] === 'string' ? v[key] : '');
      const cur = currency(p.currency);
      yield [
        String(p.id),
        safeCell(name),
        fact('tax_id'),
        fact('residency'),
        fact('status'),
        day,
        p.currency,
        toDecimalString(p.gross, cur),
        percentDecimal(p.rateBp),
        toDecimalString(p.tax, cur),
        toDecimalString(p.net, cur),
      ];
    }
  }
}

/** A country's name in the reader's language ("Kenya", "Кения"); its code when Intl has none. */
function country(code: string, locale: string): string {
  return new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }).of(code) ?? code;
}
