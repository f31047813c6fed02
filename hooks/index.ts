import type { AgentTools } from '../module/agenttools';
import type { AddHook } from '../module/contract/hooks';
import { clientAdd } from './client-add';
import { clientDetailsValidation } from './client-details-validation';
import { invoicePaid } from './invoice-paid';
import { invoiceRefunded } from './invoice-refunded';
import { clientClose } from './client-close';
import { dailyCronJob } from './daily-cron-job';
import { clientAreaPrimarySidebar } from './client-area-primary-sidebar';
import { afterShoppingCartCheckout } from './after-shopping-cart-checkout';
import { shoppingCartValidateCheckout } from './shopping-cart-validate-checkout';
import { invoiceOverdue } from './invoice-overdue';
import { afterModuleSuspend } from './after-module-suspend';

/** hooks.php: one add_hook per event the module listens to. */
export function registerHooks(addHook: AddHook, agentTools: AgentTools): void {
  const core = agentTools.core;
  addHook('ClientDetailsValidation', 1, clientDetailsValidation(core));
  addHook('ClientAdd', 1, clientAdd(core));
  addHook('InvoicePaid', 1, invoicePaid(core));
  addHook('InvoiceRefunded', 1, invoiceRefunded(core));
  addHook('ClientClose', 1, clientClose(core));
  addHook('DailyCronJob', 1, dailyCronJob(core));
  addHook('ClientAreaPrimarySidebar', 1, clientAreaPrimarySidebar(core));
  addHook('ShoppingCartValidateCheckout', 1, shoppingCartValidateCheckout(core));
  addHook('AfterShoppingCartCheckout', 1, afterShoppingCartCheckout(core));
  addHook('InvoiceOverdue', 1, invoiceOverdue(core));
  addHook('AfterModuleSuspend', 1, afterModuleSuspend(core));
}
