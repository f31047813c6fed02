import fs from 'node:fs';
import type { Knex } from 'knex';
import { SingleBar } from 'cli-progress';
import { DateTime } from 'luxon';
import { assertReachable, connect, DatabaseUrlError, redactUrl } from '../module/db/connection';
import { MIGRATIONS_TABLE } from '../module/db/tables';
import { consoleLogger, type Logger } from '../module/core/logger';
import { RuleError } from '../module/core/errors';
import { formatAmount } from '../module/money/amount';
import { currency } from '../module/money/currencies';
import type { PayoutBatchService } from '../module/payouts/batches';
import type { Progress } from '../module/payouts/batches/payout-batch-service';
import { createHost } from '../host/app';

export const PAYOUTS_USAGE = `  agent-tools payouts due [--cut-off DATE] [--program SLUG]
                                       what is due up to DATE (default today, UTC) per program,
                                       currency and method
  agent-tools payouts batch create --program SLUG --method bank|mpesa|paypal|credit
                   [--cut-off DATE] [--pay-currency CODE] [--admin ID]
                                       a draft batch of what is due for the method
  agent-tools payouts batch show ID    the batch and its lines: gross, tax, net, what is paid
  agent-tools payouts batch approve ID [--admin ID]
                                       draft → approved (a credit batch is credited at once)
  agent-tools payouts batch export ID [--out FILE]
                                       the approved batch's file (bank, M-Pesa or PayPal CSV)
  agent-tools payouts batch mark-paid ID --reference REF [--line N]... [--admin ID]
                                       the batch's lines (or those named) paid with the bank's reference
`;

/** The command's flags: each --name VALUE (repeatable ones collected), and the bare words. */
export function payoutArgs(argv: string[]): { words: string[]; flags: Map<string, string[]> } | null {
  const words: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      words.push(a);
      continue;
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) return null;
    flags.set(a.slice(2), [...(flags.get(a.slice(2)) ?? []), value]);
  }
  return { words, flags };
}

/** The end of the day DATE names, in UTC (everything asked for that day is due); null if unreadable. */
export function cutOffArg(value: string | undefined, now: number): number | null {
  if (value === undefined) return DateTime.fromMillis(now, { zone: 'utc' }).endOf('day').toMillis();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const at = DateTime.fromISO(value, { zone: 'utc' });
  return at.isValid ? at.endOf('day').toMillis() : null;
}

/** Only what went wrong reaches the terminal: the listing is the command's output. */
const quiet: Logger = { info: () => undefined, warn: (m, d) => consoleLogger.warn(m, d), error: (m, d) => consoleLogger.error(m, d) };

/** A bar for a person watching a long run; a log or a pipe gets the result alone. */
function bar(label: string): { progress: Progress; stop: () => void } {
  const b = process.stdout.isTTY ? new SingleBar({ format: `${label} [{bar}] {value}/{total}`, hideCursor: true }) : null;
  let started = false;
  return {
    progress: (done, total) => {
      if (!b || total < 100) return;
      if (!started) b.start(total, 0);
      started = true;
      b.update(done);
    },
    stop: () => {
      if (started) b?.stop();
    },
  };
}

const money = (amount: number, code: string) => formatAmount(amount as Parameters<typeof formatAmount>[0], currency(code)).replace(/\u00a0/g, ' ');

/**
 * `agent-tools payouts …` against the reference platform at DATABASE_URL; another host runs the
 * same through agentTools.services.payoutBatches.
 */
export async function payoutsCommand(argv: string[]): Promise<number> {
  const args = payoutArgs(argv);
  const [what, sub, id] = args?.words ?? [];
  const known = what === 'due' || (what === 'batch' && ['create', 'show', 'approve', 'export', 'mark-paid'].includes(sub ?? ''));
  if (!args || !known) {
    process.stdout.write(PAYOUTS_USAGE);
    return 2;
  }
  const flag = (name: string) => args.flags.get(name)?.[0];
  const url = process.env.DATABASE_URL ?? 'sqlite:data/agenttools.sqlite';
  const db = connect(url, { mustExist: true });
  try {
    await mustHoldThePlatform(db, url);
    const host = await createHost({ db, logger: quiet });
    try {
      const batches = host.agentTools.services.payoutBatches;
      const programs = host.agentTools.services.programs;
      const admin = Number(flag('admin') ?? 0);
      if (!Number.isSafeInteger(admin) || admin < 0) throw new RuleError('--admin takes an admin id');
      if (what === 'due') {
        const cutOff = cutOffArg(flag('cut-off'), Date.now());
        if (cutOff === null) throw new RuleError('--cut-off takes a date as YYYY-MM-DD');
        const slug = flag('program');
        const program = slug ? await programs.bySlug(slug) : null;
        if (slug && !program) throw new RuleError(`no program ${slug}`);
        const groups = await batches.due(cutOff, program?.id);
        for (const g of groups) console.log(`${g.programName}  ${g.currency}  ${g.method ?? '(no method)'}  ${g.lines.length} due  ${money(g.total, g.currency)}`);
        console.log(`${groups.reduce((n, g) => n + g.lines.length, 0)} payouts due up to ${new Date(cutOff).toISOString()}`);
        return 0;
      }
      if (sub === 'create') {
        const program = await programs.bySlug(flag('program') ?? '');
        if (!program) throw new RuleError('--program takes the slug of a program');
        const cutOff = cutOffArg(flag('cut-off'), Date.now());
        if (cutOff === null) throw new RuleError('--cut-off takes a date as YYYY-MM-DD');
        const b = bar('payouts');
        const made = await batches
          .create({ programId: program.id, currency: program.currency, method: flag('method') ?? '', cutOff, payCurrency: flag('pay-currency') ?? null }, admin, b.progress)
          .finally(b.stop);
        console.log(`batch ${made.batch.id} (draft): ${made.taken} payouts taken`);
        for (const k of made.skipped) console.log(`  left due  withdrawal ${k.withdrawalId}: ${k.reason.replace(/\u00a0/g, ' ')}`);
        return 0;
      }
      const batchId = Number(id);
      if (!Number.isSafeInteger(batchId) || batchId <= 0) throw new RuleError(`payouts batch ${sub} takes a batch id`);
      if (sub === 'show') return await show(batches, batchId);
      if (sub === 'approve') {
        const b = bar('credits');
        const { batch, credited } = await batches.approve(batchId, admin, b.progress).finally(b.stop);
        console.log(`batch ${batchId}: ${batch.status}${batch.method === 'credit' ? `, ${credited} credited` : ''}`);
        return 0;
      }
      if (sub === 'export') {
        const b = bar('lines');
        const file = await batches.exportFile(batchId, b.progress).finally(b.stop);
        const out = flag('out');
        if (out) {
          fs.writeFileSync(out, file.body);
          console.log(`${out}: ${file.filename}, ${Buffer.byteLength(file.body)} bytes`);
        } else process.stdout.write(file.body);
        return 0;
      }
      const reference = flag('reference');
      if (!reference) throw new RuleError('mark-paid takes --reference with the bank’s reference');
      const lines = (args.flags.get('line') ?? []).map(Number);
      if (lines.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new RuleError('--line takes a line id');
      const b = bar('lines');
      const settled = await batches.markPaid(batchId, reference, admin, lines.length ? lines : null, b.progress).finally(b.stop);
      console.log(`batch ${batchId}: ${settled.done} lines marked paid, ${settled.skipped} already settled`);
      return 0;
    } finally {
      await host.stop();
    }
  } catch (e) {
    if (e instanceof RuleError) {
      console.error(`agent-tools: ${e.message.replace(/\u00a0/g, ' ')}`);
      return 1;
    }
    throw e;
  } finally {
    await db.destroy();
  }
}

async function show(batches: Pick<PayoutBatchService, 'view'>, batchId: number): Promise<number> {
  const view = await batches.view(batchId);
  if (!view) throw new RuleError(`there is no payout batch ${batchId}`);
  const { batch: b, totals: t } = view;
  console.log(`batch ${b.id}  ${b.method}  ${b.currency}${b.payCurrency && b.payCurrency !== b.currency ? ` → ${b.payCurrency}` : ''}  ${b.status}  cut-off ${new Date(b.cutOff).toISOString()}`);
  for (const l of view.lines) {
    const paid = l.rate ? `  pays ${money(l.pay, l.payCurrency)} at ${l.rate}` : '';
    console.log(
      `  line ${l.id}  withdrawal ${l.withdrawalId}  agent ${l.agentId}  gross ${money(l.gross, b.currency)}  tax ${money(l.tax, b.currency)}  net ${money(l.net, b.currency)}${paid}  ${l.status}${l.reference ? ` (${l.reference})` : ''}${l.reason ? `: ${l.reason}` : ''}`,
    );
  }
  console.log(`${t.lines} lines: gross ${money(t.gross, b.currency)}, tax ${money(t.tax, b.currency)}, net ${money(t.net, b.currency)}`);
  return 0;
}

/** Refuses (DatabaseUrlError, exit 1) a database that does not answer or does not hold the module and the host. */
async function mustHoldThePlatform(db: Knex, url: string): Promise<void> {
  await assertReachable(db, url);
  if (!(await db.schema.hasTable(MIGRATIONS_TABLE))) throw new DatabaseUrlError(`${redactUrl(url)} holds no Agent Tools tables: nothing to pay`);
  if (!(await db.schema.hasTable('host_clients'))) throw new DatabaseUrlError(`${redactUrl(url)} holds no host_clients: not the platform's database`);
}
