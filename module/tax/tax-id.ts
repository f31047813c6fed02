/**
 * Tax ids the module can check for what they are, not only for their shape: a Kenyan KRA PIN and
 * a Russian INN (ИНН). Ids of other countries are kept as the agent typed them (trimmed).
 */
import { LEGAL_STATUSES, type LegalStatus } from '../programs/tax-definition';

export { LEGAL_STATUSES, type LegalStatus };

/** Why an id is refused: a lang key under tax.error. */
export type TaxIdProblem = 'kra_pin' | 'kra_pin_company' | 'kra_pin_person' | 'inn' | 'inn_check' | 'inn_company' | 'inn_person' | 'tax_id_long';

/**
 * A KRA PIN: A or P, nine digits, a letter (A123456789Z). KRA gives A PINs to individuals (sole
 * proprietors and the self-employed included) and P PINs to everyone else (companies); it
 * publishes no check-digit rule, so the shape and that letter are all that can be checked.
 */
export function kraPinProblem(pin: string, status: LegalStatus): TaxIdProblem | null {
  if (!/^[AP]\d{9}[A-Z]$/.test(pin)) return 'kra_pin';
  if (status === 'company' && pin[0] !== 'P') return 'kra_pin_company';
  if (status !== 'company' && pin[0] !== 'A') return 'kra_pin_person';
  return null;
}

const INN10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

/** The INN check digit over the first weights.length digits: the weighted sum mod 11, mod 10. */
function innDigit(digits: number[], weights: number[]): number {
  return (weights.reduce((sum, w, i) => sum + w * (digits[i] ?? 0), 0) % 11) % 10;
}

/** True when the INN's check digits (the last one of 10, the last two of 12) are right. */
export function innChecks(inn: string): boolean {
  if (!/^(\d{10}|\d{12})$/.test(inn)) return false;
  const d = [...inn].map(Number);
  if (d.length === 10) return innDigit(d, INN10) === d[9];
  return innDigit(d, INN11) === d[10] && innDigit(d, INN12) === d[11];
}

/** A Russian INN: 10 digits for an organisation, 12 for a person (a sole proprietor or the self-employed too). */
export function innProblem(inn: string, status: LegalStatus): TaxIdProblem | null {
  if (!/^(\d{10}|\d{12})$/.test(inn)) return 'inn';
  if (!innChecks(inn)) return 'inn_check';
  if (status === 'company' && inn.length !== 10) return 'inn_company';
  if (status !== 'company' && inn.length !== 12) return 'inn_person';
  return null;
}

/**
 * The id as it is kept (upper case, without spaces for Kenya and Russia), or the problem with it.
 * The residency decides which rule applies: a Kenyan resident's id is a KRA PIN, a Russian's an INN.
 */
export function normalizeTaxId(raw: string, residency: string, status: LegalStatus): { id: string } | { problem: TaxIdProblem } {
  const trimmed = raw.trim();
  if (residency === 'KE' || residency === 'RU') {
    const id = trimmed.replace(/[\s-]/g, '').toUpperCase();
    const problem = residency === 'KE' ? kraPinProblem(id, status) : innProblem(id, status);
    return problem ? { problem } : { id };
  }
  return trimmed.length > 40 ? { problem: 'tax_id_long' } : { id: trimmed };
}
