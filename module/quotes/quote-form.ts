import { z } from 'zod';
import { RuleError } from '../core/errors';
import { issueVars } from '../http/forms';

/** How many product lines the agent's quote form offers. */
export const QUOTE_FORM_LINES = 3;

const clientId = z.coerce.number({ message: 'quotes.error.client_choose' }).int('quotes.error.client_choose').positive('quotes.error.client_choose');
const email = z.string().trim().toLowerCase().email('quotes.error.email').max(190, 'quotes.error.email_long');
const productId = z.coerce.number({ message: 'quotes.error.product_choose' }).int('quotes.error.product_choose').positive('quotes.error.product_choose');
const quantity = z.coerce.number({ message: 'quotes.error.quantity' }).int('quotes.error.quantity').min(1, 'quotes.error.quantity').max(100, 'quotes.error.quantity');

/** For a client the agent manages, or for a prospect, whom `email` names. */
export type QuoteRequest = { lines: { product_id: number; quantity: number }[] } & ({ clientId: number; email: null } | { clientId: null; email: string });

/**
 * The agent's quote form: `client_id` (one of their clients, or empty for a prospect), `email`
 * for a prospect, and `product_<i>` / `quantity_<i>` lines, blank lines skipped. The first bad
 * field is refused with its message, to be shown beside it.
 */
export function parseQuoteForm(values: Record<string, string>): QuoteRequest {
  const fail = (field: string, r: { error: z.ZodError }) => {
    const issue = r.error.issues[0];
    return new RuleError(issue?.message ?? 'quotes.error.check', field, issue ? issueVars(issue) : {});
  };
  let request: QuoteRequest;
  if ((values.client_id ?? '').trim()) {
    const c = clientId.safeParse(values.client_id);
    if (!c.success) throw fail('client_id', c);
    request = { clientId: c.data, email: null, lines: [] };
  } else {
    const e = email.safeParse(values.email ?? '');
    if (!e.success) throw fail('email', e);
    request = { clientId: null, email: e.data, lines: [] };
  }
  for (let i = 0; i < QUOTE_FORM_LINES; i++) {
    if (!(values[`product_${i}`] ?? '').trim()) continue;
    const p = productId.safeParse(values[`product_${i}`]);
    if (!p.success) throw fail(`product_${i}`, p);
    const q = quantity.safeParse((values[`quantity_${i}`] ?? '').trim() || '1');
    if (!q.success) throw fail(`quantity_${i}`, q);
    request.lines.push({ product_id: p.data, quantity: q.data });
  }
  if (!request.lines.length) throw new RuleError('quotes.error.choose_product', 'product_0');
  return request;
}
