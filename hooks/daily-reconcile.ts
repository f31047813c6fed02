import type { HookHandler } from '../module/contract/hooks';
import type { ReconcileService } from '../module/reconcile/reconcile-service';
import { errorMessage } from '../module/core/errors';
import { parseHook, type HookBase } from './parse';

/**
 * The daily cron's handler, then the reconciliation: the host's payments and refunds of the last
 * days whose InvoicePaid or InvoiceRefunded never finished (a crash) are done now. One handler
 * rather than a second DailyCronJob registration, because a host (or a test) that keeps one
 * handler per hook name would drop the other; the reconciliation runs even when the cron's work failed.
 */
export const thenReconcile =
  ({ logger, state }: HookBase, cron: HookHandler, reconcile: Pick<ReconcileService, 'reconcileRecent'>): HookHandler =>
  async (raw, ctx) => {
    let cronError: { error: unknown } | null = null;
    try {
      await cron(raw, ctx);
    } catch (error) {
      cronError = { error };
    }
    // The cron's error is the one rethrown: a reconciliation failing too is logged, not let hide it.
    try {
      parseHook('DailyCronJob', raw ?? {}, logger);
      if (state.active) logger.info('daily reconcile', { ...(await reconcile.reconcileRecent()) });
    } catch (e) {
      if (!cronError) throw e;
      logger.error('daily reconcile failed', { error: errorMessage(e) });
    }
    if (cronError) throw cronError.error;
  };
