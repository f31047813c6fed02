import type { HostApi, HostInvoice } from '../contract/host-api';
import { RuleError } from '../core/errors';

/** The host's invoice an event names; an event about an invoice the host does not have is refused (bad input, no 5xx). */
export async function requireInvoice(host: Pick<HostApi, 'getInvoice'>, invoiceId: number): Promise<HostInvoice> {
  const invoice = await host.getInvoice(invoiceId);
  if (!invoice) throw new RuleError('commissions.error.invoice_missing', undefined, { invoice: invoiceId });
  return invoice;
}
