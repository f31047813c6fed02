import { z } from 'zod';
import { RuleError } from '../core/errors';

/** How many product lines the agent's quote form offers. */
export const QUOTE_FORM_LINES = 3;

const clientId = z.coerce.number({ message: 'Choose one of your clients' }).int('Choose one of your clients').positive('Choose one of your clients');
const email = z.string().trim().toLowerCase().email("Enter the prospect's e-mail address").max(190, 'At most 190 characters');
const productId = z.coerce.number().int().positive('Choose a product');
const quantity = z.coerce
  .number({ message: 'Enter a whole number from 1 to 100' })
  .int('Enter a whole number from 1 to 100')
  .min(1, 'Enter a whole number from 1 to 100')
  .max(100, 'Enter a whole number from 1 to 100');

/** For a client the agent manages, or for a prospect, whom `email` names. */
export type QuoteRequest = { lines: { product_id: number; quantity: number }[] } & ({ clientId: number; email: null } | { clientId: null; email: string });

/**
 * The agent's quote form: `client_id` (one of their clients, or empty for a prospect), `email`
 * for a prospect, and `product_<i>` / `quantity_<i>` lines, blank lines skipped. The first bad
 * field is refused with its message, to be shown beside it.
 */
export function parseQuoteForm(values: Record<string, string>): QuoteRequest {
  const fail = (field: string, r: { error: z.ZodError }) => new RuleError(r.error.issues[0]?.message ?? 'Check this field', field);
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
  if (!request.lines.length) throw new RuleError('Choose at least one product', 'product_0');
  return request;
}
