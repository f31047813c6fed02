import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Ledger } from '../ledger/ledger';
import { add } from '../money/amount';
import { asRows, num, text } from '../db/columns';
import { type Figures, zeroFigures } from './import-report';

/**
 * The module's side of the comparison, per currency: the agents a source's affiliates became,
 * the live referrals its accounts made, and those agents' pending, available and withdrawn
 * balances as the ledger keeps them. An agent who was one before the import brings their own
 * money too; for agents the import made, these are WHMCS's figures less what was skipped.
 */
export async function moduleFigures(db: Knex, ledger: Pick<Ledger, 'balancesOf'>, source: string): Promise<Map<string, Figures>> {
  const out = new Map<string, Figures>();
  const figures = (cur: string) => {
    let f = out.get(cur);
    if (!f) out.set(cur, (f = zeroFigures()));
    return f;
  };
  const agents = asRows(
    await db(`${T.imports} as i`)
      .join(`${T.agents} as a`, 'a.id', 'i.target_id')
      .join(`${T.programs} as p`, 'p.id', 'a.program_id')
      .where({ 'i.source': source, 'i.kind': 'affiliate' })
      .select('a.id', 'p.currency'),
  );
  const byCurrency = new Map<string, number[]>();
  for (const r of agents) {
    const ids = byCurrency.get(text(r.currency));
    if (ids) ids.push(num(r.id));
    else byCurrency.set(text(r.currency), [num(r.id)]);
  }
  for (const [cur, ids] of byCurrency) {
    const f = figures(cur);
    f.agents = ids.length;
    for (const b of (await ledger.balancesOf(ids, cur)).values()) {
      f.pending = add(f.pending, b.pending);
      f.available = add(f.available, b.available);
      f.withdrawn = add(f.withdrawn, b.withdrawn);
    }
  }
  const referrals = asRows(
    await db(`${T.imports} as i`)
      .join(`${T.referrals} as r`, 'r.id', 'i.target_id')
      .join(`${T.programs} as p`, 'p.id', 'r.program_id')
      .where({ 'i.source': source, 'i.kind': 'account' })
      .whereNull('r.ended_at')
      .groupBy('p.currency')
      .select('p.currency', db.raw('count(distinct r.id) as n')),
  );
  for (const r of referrals) figures(text(r.currency)).referrals = num(r.n);
  return out;
}
