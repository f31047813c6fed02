import type { Knex } from 'knex';
import { Ledger } from '../../module/ledger/ledger';
import { HOUSE } from '../../module/ledger/accounts';
import { inTransaction } from '../../module/db/transaction';
import { minor, neg } from '../../module/money/amount';
import { translator } from '../../module/i18n/lang';
import type { PayoutDetails, PayoutMethodReader } from '../../module/payouts/payout-method';
import { PayoutBatchService, creditToAccount, flatWithholding } from '../../module/payouts/batches';
import type { Withholding } from '../../module/tax/withholding';
import type { Scenario } from './scenario';

/** Agents' payout methods as the payout-methods capability would give them, decrypted. */
export class MethodsDouble implements PayoutMethodReader {
  readonly byAgent = new Map<number, PayoutDetails>();
  forAgent(agentId: number): Promise<PayoutDetails | null> {
    return Promise.resolve(this.byAgent.get(agentId) ?? null);
  }
}

/** A batch service on the scenario's host and clock, on `db` (a second pool makes a second node). */
export function batchService(s: Scenario, methods: PayoutMethodReader, db: Knex = s.db, withholding: Withholding = flatWithholding): PayoutBatchService {
  return new PayoutBatchService(db, new Ledger(db, s.clock), s.services.programs, methods, withholding, s.host, creditToAccount(s.services.creditPayouts), s.clock, translator('english'));
}

/** Puts money in an agent's available balance as released commission would (the house's expense). */
export async function fund(s: Scenario, agentId: number, amountMinor: number, currency: string): Promise<void> {
  await inTransaction(s.db, (trx) =>
    s.services.ledger.post(trx, {
      idemKey: `test-fund:${agentId}:${currency}:${amountMinor}:${s.clock.now()}`,
      kind: 'test_fund',
      currency,
      memo: 'released commission, for a payout test',
      postings: [
        { agentId: HOUSE, account: 'commission_expense', amount: neg(minor(amountMinor)) },
        { agentId, account: 'available', amount: minor(amountMinor) },
      ],
    }),
  );
}

/** Resolves each party's step k once every party has reached step k: both admins act on the same line at once. */
export function lockstep(parties: number): (party: string) => (done: number) => Promise<void> {
  const waiting = new Map<number, { n: number; release: () => void; gate: Promise<void> }>();
  return () => (done) => {
    let step = waiting.get(done);
    if (!step) {
      let release = () => undefined as void;
      const gate = new Promise<void>((r) => (release = r));
      step = { n: 0, release, gate };
      waiting.set(done, step);
    }
    step.n++;
    if (step.n === parties) step.release();
    return step.gate;
  };
}
