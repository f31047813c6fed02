import { expect } from 'chai';
import { MemoryLogger } from '../module/core/logger';
import { thenReconcile } from '../hooks/daily-reconcile';
import type { ReconcileFigures } from '../module/reconcile/reconcile-service';

const figures: ReconcileFigures = { invoices: 3, paidRedone: 0, commissionsCreated: 0, refundsRedone: 0, failed: 0 };

/** The daily cron's handler wrapped with the reconciliation, with a cron and a reconciliation that may fail. */
async function dailyRun(cronFails: boolean, reconcileFails: boolean) {
  const logger = new MemoryLogger();
  let reconciled = false;
  const handler = thenReconcile({ logger, state: { active: true } }, () => (cronFails ? Promise.reject(new Error('the payout run failed')) : Promise.resolve()), {
    reconcileRecent: () => {
      reconciled = true;
      return reconcileFails ? Promise.reject(new Error('the host API is down')) : Promise.resolve(figures);
    },
  });
  const thrown = await handler({}).then(
    () => null,
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  return { thrown, reconciled, errors: logger.lines.filter((l) => l.level === 'error').map((l) => [l.message, l.data?.error]) };
}

describe('the daily cron, then the reconciliation', () => {
  it('the cron’s payout run fails: the reconciliation runs all the same, and the cron’s error is the one thrown', async () => {
    expect(await dailyRun(true, false)).to.deep.equal({ thrown: 'the payout run failed', reconciled: true, errors: [] });
  });

  it('both fail: the cron’s error is thrown, not lost under the reconciliation’s, which is logged', async () => {
    expect(await dailyRun(true, true)).to.deep.equal({ thrown: 'the payout run failed', reconciled: true, errors: [['daily reconcile failed', 'the host API is down']] });
  });

  it('only the reconciliation fails: its error is thrown', async () => {
    expect(await dailyRun(false, true)).to.deep.equal({ thrown: 'the host API is down', reconciled: true, errors: [] });
  });
});
