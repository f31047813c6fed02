import type { InvoiceLineSpec } from './memory-host';
import { REFERRAL_COOKIE } from '../../module/tracking/referral-cookie';
import type { Scenario } from './scenario';

/**
 * Orders as a browser places them, for programs that attribute orders: the client checks out
 * carrying the referral cookie (or none), AfterShoppingCartCheckout fires with it, and the
 * order's invoice is paid now. The order takes the invoice's id.
 */
export async function ordersAndPays(s: Scenario, clientId: number, cookie: string | null, lines: InvoiceLineSpec[]): Promise<{ invoiceId: number; orderId: number }> {
  const invoice = s.unpaid(clientId, lines);
  const orderId = invoice.invoiceId;
  s.host.orders.set(orderId, { id: orderId, client_id: clientId, invoice_id: invoice.invoiceId, product_id: lines[0]?.productId ?? null, domain: null, created_at: s.clock.now() });
  const cookies = cookie ? { [REFERRAL_COOKIE]: cookie } : {};
  await s.fire('AfterShoppingCartCheckout', { OrderID: orderId, InvoiceID: invoice.invoiceId, ClientID: clientId }, { request: { cookies } });
  await invoice.pay();
  return { invoiceId: invoice.invoiceId, orderId };
}

/** A visitor follows the agent's link now and signs up `afterDays` later; the browser keeps the cookie. */
export async function visitorSignsUp(s: Scenario, agentId: number, afterDays = 0): Promise<{ client: number; cookie: string }> {
  const cookie = await s.click(agentId);
  s.clock.advanceDays(afterDays);
  return { client: await s.signsUp(cookie), cookie };
}
