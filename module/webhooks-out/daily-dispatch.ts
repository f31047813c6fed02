import type { HookHandler } from '../contract/hooks';
import type { Logger } from '../core/logger';
import { errorMessage } from '../core/errors';
import type { WebhookDispatcher } from './dispatcher';

/**
 * The daily cron's handler, then a pass of the webhook dispatcher: what the cron released and paid
 * is told at once, and a node whose timer is not running (a cron-only host) still sends. A
 * dispatcher failure is logged, never made the cron's: the deliveries wait for the next pass.
 */
export const thenDispatchWebhooks =
  (cron: HookHandler, dispatcher: Pick<WebhookDispatcher, 'runDue'>, logger: Logger): HookHandler =>
  async (raw, ctx) => {
    try {
      return await cron(raw, ctx);
    } finally {
      await dispatcher.runDue().then(
        (tally) => logger.info('webhook deliveries', { ...tally }),
        (e) => logger.warn('webhook deliveries could not be sent', { error: errorMessage(e) }),
      );
    }
  };
