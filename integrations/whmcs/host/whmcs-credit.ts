import { z } from 'zod';
import type { HostClient, HostCredit } from '../../../module/contract/host-api';
import { currency } from '../../../module/money/currencies';
import { minor, toDecimalString } from '../../../module/money/amount';
import type { WhmcsApi } from './whmcs-api';
import { WhmcsApiError } from './whmcs-api';
import { listOf, whmcsAmount, whmcsTime } from './whmcs-decode';

const int = z.coerce.number().int();
const str = z.preprocess((v) => (v === null || v === undefined ? '' : v), z.coerce.string());
const credits = z.object({ credits: listOf(z.object({ id: int, date: str, description: str, amount: str }), 'credit') });

/**
 * WHMCS's AddCredit has no idempotency key of its own, so the key goes into the credit's
 * description ("… [agenttools-payout-42]"), which WHMCS keeps: before adding, the client's
 * credits (GetCredits) are searched for it, and a credit already there is the answer. The key
 * lives in WHMCS itself, so a bridge restarted, or another bridge node, still finds it; two calls
 * at the very same moment are kept apart by the caller (the module claims the payout first).
 */
export async function addWhmcsCredit(api: WhmcsApi, client: HostClient, zone: string, amountMinor: number, code: string, description: string, key: string): Promise<HostCredit> {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new Error(`a credit must be a positive whole number of minor units, not ${amountMinor}`);
  if (client.currency !== code) throw new WhmcsApiError('AddCredit', `client ${client.id} pays in ${client.currency}, not ${code}`);
  const tag = `[${key}]`;
  const find = async () => credits.parse(await api.call('GetCredits', { clientid: client.id })).credits.find((c) => c.description.includes(tag));
  let found = await find();
  if (!found) {
    await api.call('AddCredit', { clientid: client.id, description: `${description} ${tag}`, amount: toDecimalString(minor(amountMinor), currency(code)) });
    found = await find();
    if (!found) throw new WhmcsApiError('AddCredit', `credit ${key} was added but GetCredits does not list it`);
  }
  const amount = whmcsAmount(found.amount, code);
  if (amount !== amountMinor) throw new WhmcsApiError('AddCredit', `credit key ${key} was used before for another amount (${found.amount})`);
  return { id: String(found.id), client_id: client.id, amount_minor: amount, currency: code, created_at: whmcsTime(found.date, zone) ?? 0 };
}
