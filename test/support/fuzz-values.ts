import fc from 'fast-check';

/** Text that tries to be read as something else: SQL, markup, paths, format strings, control characters. */
const PAYLOADS = [
  "' OR '1'='1",
  '1; DROP TABLE mod_agenttools_agents; --',
  '1 UNION SELECT password_hash FROM host_admins',
  '"><script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '%s%s%n',
  '${7*7}',
  '<%= process.exit() %>',
  '__proto__',
  'constructor',
  '\r\nSet-Cookie: x=1',
  '\u202eevil',
  'Ω≈ç√∫˜µ≤≥÷',
  '𝕿𝖊𝖘𝖙 👩‍👩‍👧‍👦',
  'ｗｉｄｅ',
  '\t \n',
];

/** What an amount field gets from someone who tries: signs, exponents, other digits, too many places. */
const AMOUNTS = [
  '-1',
  '-0.01',
  '0',
  '0.00',
  '0.001',
  '1.005',
  '1e3',
  '1e308',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '9'.repeat(40),
  '١٢٣',
  '1,000.00',
  '1 000',
  '50.00',
  '100',
  '12.5',
  '.5',
  '5.',
  '+5',
];

/** What an id field gets: zero, negative, fractional, beyond the safe integers, not a number. */
const IDS = ['0', '-1', '1.5', '1e3', '9007199254740993', '99999999999999999999', '007', ' 1', '1 ', 'one', '0x1', '999999'];

/** Any hostile text: a payload, an amount or id gone wrong, random unicode, or something very long. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...PAYLOADS, ...AMOUNTS, ...IDS, ''),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(2_000, 70_000).chain((n) => fc.constantFrom('a', '9', 'é', '<').map((c) => c.repeat(n))),
);

/** Ids that name real rows of every table in a fresh database (someone's, usually not the caller's). */
export const smallId: fc.Arbitrary<string> = fc.integer({ min: 1, max: 15 }).map(String);

export const amountText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...AMOUNTS),
  fc.integer({ min: -10_000, max: 1_000_000 }).map((n) => (n / 100).toFixed(2)),
);

/**
 * One form field: left out, a plausible value (which may still be another person's id), hostile
 * text, or repeated (a form may send a field twice, which arrives as an array).
 */
export function formField(plausible: fc.Arbitrary<string>): fc.Arbitrary<string | string[] | undefined> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: plausible },
    { weight: 4, arbitrary: hostileText },
    { weight: 1, arbitrary: fc.array(fc.oneof(plausible, hostileText), { minLength: 2, maxLength: 3 }) },
  );
}

/** Any value a JSON-ish host could pass a hook: every type, and numbers JSON cannot carry. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -1, -0, 1.5, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2, 1e308, 2 ** 31, '', '1', '-1', [], {}, [1]),
  hostileText,
  fc.integer(),
  fc.double(),
  fc.array(fc.oneof(fc.integer(), hostileText), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', 'invoiceid', '__proto__', 'constructor'), fc.oneof(fc.integer(), hostileText), { maxKeys: 2 }),
);
