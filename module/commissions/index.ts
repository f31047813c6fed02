// What other capabilities use of commissions besides its services: the list the pages show.
export { CommissionQueries } from './commission-queries';
export type { Commission } from './commission-row';
// A commission written with its ledger entry, for imports that bring commissions from elsewhere.
export { writeCommission, type NewCommission } from './commission-writer';
// The measured sales of agents (tiers' evaluation and the monthly targets).
export { salesFigures, NO_FIGURES, SALES_ROLES, STANDING, type SalesFigures } from './sales-figures';
// The rules as a pure function, and the stored row read back: what the admin's what-if replays (module/what-if).
export { commissionFromRow, remainingOf } from './commission-row';
export { planInvoice, type SalesContext, type PerformerContext } from './line-plans';
export { targetBonus, type RecurrenceInput } from './engine';
// The agent's Commissions pages, and what their commissions earn per source (the Links page).
export { commissionsActions } from './commissions-controller';
// A referral's page lists its client's commissions.
export type { CommissionPage, SourceEarnings } from './commission-list';
