import type { Knex } from 'knex';
import { salesFigures, NO_FIGURES, type SalesFigures } from '../commissions';

/** What an agent did in a stretch of time, measured (never ticked): module/commissions/sales-figures.ts says what counts. */
export type Figures = SalesFigures;
export { NO_FIGURES };

/** Every agent's paid sales and new paying customers of a program between two instants, in one grouped query. */
export function measure(db: Knex, programId: number, currency: string, from: number, to: number): Promise<Map<number, Figures>> {
  return salesFigures(db, { programId, currency, from, to });
}
