// What other capabilities use of commissions besides its services: the list the pages show.
export { CommissionQueries } from './commission-queries';
export type { Commission } from './commission-row';
