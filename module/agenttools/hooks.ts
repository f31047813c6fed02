import type { Knex } from 'knex';
import type { AddHook } from '../contract/hooks';
import type { HostApi } from '../contract/host-api';
import type { Pages } from '../http/pages';
import { agentSidebarPanel } from '../agents/agent-sidebar';
import { serviceManagerSidebarPanel } from '../service-managers/service-manager-sidebar';
import type { HookBase } from '../../hooks/parse';
import { afterModuleSuspend } from '../../hooks/after-module-suspend';
import { afterShoppingCartCheckout } from '../../hooks/after-shopping-cart-checkout';
import { clientAdd } from '../../hooks/client-add';
import { clientAreaPrimarySidebar } from '../../hooks/client-area-primary-sidebar';
import { clientAreaHomepagePanels } from '../../hooks/client-area-homepage-panels';
import { agentHomePanel } from '../withdrawals/home-panel';
import { clientClose } from '../../hooks/client-close';
import { clientDetailsValidation } from '../../hooks/client-details-validation';
import { dailyCronJob } from '../../hooks/daily-cron-job';
import { withProgramSteps } from '../../hooks/daily-program-steps';
import { invoiceOverdue } from '../../hooks/invoice-overdue';
import { invoicePaid } from '../../hooks/invoice-paid';
import { invoiceRefunded } from '../../hooks/invoice-refunded';
import { thenReconcile } from '../../hooks/daily-reconcile';
import { shoppingCartValidateCheckout } from '../../hooks/shopping-cart-validate-checkout';
import { thenDispatchWebhooks } from '../webhooks-out';
import type { Services } from './services';

/** A hook the module listens to, in WHMCS's add_hook(name, priority, handler) shape. */
export type HookRegistration = Parameters<AddHook>;

/** hooks.php: one add_hook per event the module listens to, each handler with the services it uses. */
export function buildHooks(s: Services, base: HookBase, db: Knex, host: HostApi, pages: Pages): HookRegistration[] {
  const { agents, serviceManagers, notifications } = s;
  const sidebar = [serviceManagerSidebarPanel({ pages, host, agents, serviceManagers }), agentSidebarPanel({ db, pages, agents, programs: s.programs, ledger: s.ledger })];
  // Panels in the language the client reads the module in (issue #14).
  const panelLanguage = (clientId: number, chosen: string | null) => s.readerLanguage.ofClient(clientId, chosen);
  return [
    ['ClientDetailsValidation', 1, clientDetailsValidation(base, s.claims)],
    ['ClientAdd', 1, clientAdd(base, s.attribution, s.quotes)],
    ['InvoicePaid', 1, invoicePaid(base, s.earnings, s.hostEvents, notifications)],
    ['InvoiceRefunded', 1, invoiceRefunded(base, s.refunds, s.hostEvents)],
    ['ClientClose', 1, clientClose(base, s.assignments)],
    [
      'DailyCronJob',
      1,
      thenDispatchWebhooks(thenReconcile(base, withProgramSteps(base, s.targets, s.probation, dailyCronJob(base, s.releases, s.withdrawals, s.tiers)), s.reconcile), s.webhookDispatcher, base.logger),
    ],
    ['ClientAreaPrimarySidebar', 1, clientAreaPrimarySidebar(base, sidebar, panelLanguage)],
    ['ClientAreaHomepagePanels', 1, clientAreaHomepagePanels(base, [agentHomePanel({ pages, agents, programs: s.programs, withdrawals: s.withdrawals })], panelLanguage)],
    ['ShoppingCartValidateCheckout', 1, shoppingCartValidateCheckout(base, s.claims)],
    ['AfterShoppingCartCheckout', 1, afterShoppingCartCheckout(base, s.attribution, notifications)],
    ['InvoiceOverdue', 1, invoiceOverdue(base, notifications)],
    ['AfterModuleSuspend', 1, afterModuleSuspend(base, notifications)],
  ];
}
