import type { PayoutMethodKind } from '../payout-method';

/**
 * The currencies PayPal Payouts pays in (PayPal's list of currencies for payments and payouts).
 * Kenyan shillings are not among them: a KES program pays PayPal lines converted.
 */
export const PAYPAL_CURRENCIES: readonly string[] = [
  'AUD',
  'BRL',
  'CAD',
  'CNY',
  'CZK',
  'DKK',
  'EUR',
  'HKD',
  'HUF',
  'ILS',
  'JPY',
  'MYR',
  'MXN',
  'TWD',
  'NZD',
  'NOK',
  'PHP',
  'PLN',
  'GBP',
  'SGD',
  'SEK',
  'CHF',
  'THB',
  'USD',
];

/** M-Pesa (Safaricom B2C) pays Kenyan shillings only. */
export const MPESA_CURRENCY = 'KES';

/**
 * Whether the method can pay in the currency: M-Pesa KES only, PayPal its list, a bank transfer
 * any currency (the provider's bank converts what it must), credit the client's own currency
 * (decided per line, so never a batch-wide currency).
 */
export function methodPays(method: PayoutMethodKind, currency: string): boolean {
  if (method === 'mpesa') return currency === MPESA_CURRENCY;
  if (method === 'paypal') return PAYPAL_CURRENCIES.includes(currency);
  return method === 'bank';
}

/** The currency a batch of the method pays in when the admin names none: the program's, or KES for M-Pesa. */
export function defaultPayCurrency(method: PayoutMethodKind, programCurrency: string): string | null {
  if (method === 'credit') return null;
  return method === 'mpesa' ? MPESA_CURRENCY : programCurrency;
}
