import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { RuleError } from '../core/errors';
import { PAYOUT_METHOD_KINDS, type PayoutDetails, type PayoutMethodKind } from './payout-method';

const MASK = '•';
const HOLDER_MAX = 140;

/**
 * The payout details an agent typed, checked and in their stored form: an IBAN by its checksum
 * (ibantools) without spaces, an M-Pesa number as a Kenyan mobile number in E.164
 * (libphonenumber-js: "0712 345 678" is +254712345678), a PayPal address as an e-mail. A refusal
 * names its field. `allowed` is what the agent's program pays by.
 */
export function parsePayoutDetails(values: Record<string, string | undefined>, allowed: readonly PayoutMethodKind[]): PayoutDetails {
  const kind = (PAYOUT_METHOD_KINDS as readonly string[]).includes(values.kind ?? '') ? (values.kind as PayoutMethodKind) : null;
  if (!kind || !allowed.includes(kind)) throw new RuleError('payout_method.error.kind', 'kind');
  const field = (name: string) => (values[name] ?? '').trim();
  switch (kind) {
    case 'bank': {
      const holder = field('holder');
      if (!holder) throw new RuleError('payout_method.error.holder', 'holder');
      if (holder.length > HOLDER_MAX) throw new RuleError('payout_method.error.too_long', 'holder', { max: HOLDER_MAX });
      const ibanText = field('iban');
      if (ibanText) {
        const iban = electronicFormatIBAN(ibanText) ?? '';
        if (!isValidIBAN(iban)) throw new RuleError('payout_method.error.iban', 'iban');
        return { kind, holder, iban, accountNumber: null, bankCode: null };
      }
      const accountNumber = field('account_number').replace(/[\s-]/g, '');
      const bankCode = field('bank_code').replace(/\s/g, '');
      if (!/^[0-9A-Za-z]{4,34}$/.test(accountNumber)) throw new RuleError('payout_method.error.account_number', 'account_number');
      if (!/^[0-9A-Za-z]{1,20}$/.test(bankCode)) throw new RuleError('payout_method.error.bank_code', 'bank_code');
      return { kind, holder, iban: null, accountNumber: accountNumber.toUpperCase(), bankCode: bankCode.toUpperCase() };
    }
    case 'mpesa': {
      const phone = parsePhoneNumberFromString(field('phone'), 'KE');
      if (!phone || phone.country !== 'KE' || !phone.isValid()) throw new RuleError('payout_method.error.phone', 'phone');
      return { kind, phone: phone.number };
    }
    case 'paypal': {
      const email = z.string().trim().toLowerCase().email().max(190).safeParse(field('email'));
      if (!email.success) throw new RuleError('payout_method.error.email', 'email');
      return { kind, email: email.data };
    }
    case 'credit':
      return { kind };
  }
}

/** What a page, a log row and an e-mail show of the details: enough to recognise them, too little to use. */
export function maskPayoutDetails(d: PayoutDetails): string {
  const dots = (n: number) => MASK.repeat(n);
  switch (d.kind) {
    case 'bank':
      if (d.iban) return `${d.iban.slice(0, 2)}${dots(2)} ${dots(4)} ${d.iban.slice(-4)}`;
      return `${dots(4)} ${(d.accountNumber ?? '').slice(-4)} (${d.bankCode ?? ''})`;
    case 'mpesa': {
      // +254 7•• ••• 678: the network's first digit and the last three.
      const national = d.phone.replace(/^\+254/, '');
      return `+254 ${national.slice(0, 1)}${dots(2)} ${dots(3)} ${national.slice(-3)}`;
    }
    case 'paypal': {
      const [local = '', domain = ''] = d.email.split('@');
      return `${local.slice(0, 1)}${dots(3)}@${domain}`;
    }
    case 'credit':
      return '';
  }
}
