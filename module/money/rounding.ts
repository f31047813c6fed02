/**
 * The one rounding rule for money: the exact quotient numerator / denominator, rounded half away
 * from zero to a whole minor unit. Every amount that is a fraction of another (a percentage, a
 * share of a refund, a conversion, a commission line) is worked out as one BigInt fraction and
 * rounded here once, so that no float ever holds an amount and no two places round differently.
 */
export function roundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const rounded = (n * 2n + d) / (d * 2n);
  return negative ? -rounded : rounded;
}
