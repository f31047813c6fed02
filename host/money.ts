// The host's own money display: Intl knows each currency's decimals; amounts stay integers.
export function exponent(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function showMoney(amountMinor: number, currency: string): string {
  const exp = exponent(currency);
  const digits = BigInt(Math.abs(amountMinor)).toString().padStart(exp + 1, '0');
  const whole = digits.slice(0, digits.length - exp).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amountMinor < 0 ? '-' : ''}${currency} ${whole}${exp ? '.' + digits.slice(-exp) : ''}`;
}
