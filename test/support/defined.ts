/** The value a test needs to go on, or a failure that says what was missing (rather than a `!`). */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}, found none`);
  return value;
}
