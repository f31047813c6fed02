import type { z } from 'zod';
import type { HostProduct } from '../../../module/contract/host-api';
import { whmcsAmount, type products } from './whmcs-decode';

export type WhmcsProduct = z.infer<typeof products>['products'][number];

/** The cycles WHMCS prices a product in, shortest first; -1.00 marks one not offered. */
const CYCLES = ['monthly', 'quarterly', 'semiannually', 'annually', 'biennially', 'triennially'];

/**
 * A product as the module sees it: its price in the first currency WHMCS lists, for its shortest
 * cycle offered (a one-time product's price is kept under `monthly`); a free one costs nothing.
 */
export function toProduct(p: WhmcsProduct, groups: Record<number, string> = {}): HostProduct {
  const [code = 'USD', prices = {}] = Object.entries(p.pricing)[0] ?? [];
  const offered = CYCLES.map((c) => prices[c]).find((v) => typeof v === 'string' && Number(v) >= 0);
  const price = p.paytype === 'free' || typeof offered !== 'string' ? 0 : whmcsAmount(offered, code);
  return { id: p.pid, name: p.name, category_id: p.gid, category: groups[p.gid] ?? `Group ${p.gid}`, price_minor: price, currency: code };
}

/** WHMCS keeps each currency's rate against its default one (5 places): units of `to` for one of `from`, to 10 places. */
export function divideRates(toRate: string, fromRate: string): string | null {
  const scaled = (s: string) => {
    const m = /^(\d+)(?:\.(\d{1,10}))?$/.exec(s.trim());
    return m ? BigInt((m[1] ?? '0') + (m[2] ?? '').padEnd(10, '0')) : null;
  };
  const a = scaled(toRate);
  const b = scaled(fromRate);
  if (a === null || b === null || b === 0n) return null;
  const q = (a * 10n ** 10n) / b;
  const digits = q.toString().padStart(11, '0');
  return `${digits.slice(0, -10)}.${digits.slice(-10)}`.replace(/\.?0+$/, '');
}
