import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

/**
 * Floating point must never touch money. Amounts are integer minor units (module/money/amount.ts)
 * and the only rounding is the BigInt one in roundHalfAwayFromZero (module/money/rounding.ts), which
 * percentOf / share / convert / amountOf call. This test reads every
 * .ts file under module/ and the code inside every templates/**\/*.ejs tag, and fails, naming
 * file:line, on any of the patterns below.
 *
 * The scan works on "code only": comments, the text of string and template literals (but not
 * the ${…} expressions inside templates, which are code) and regular-expression literals are
 * blanked first, so a comment or a message that mentions "amount / 100" is not a hit.
 *
 * A "money name" is an identifier containing one of MONEY_WORDS (amount, minor, balance, price,
 * total, base, tax, fee, cost, payout, threshold), e.g. amount_minor, c.amount, totalMinor,
 * payoutThreshold. An operand "mentions money" when one of its identifiers is a money name; it
 * "is BigInt" when it holds a BigInt literal (10000n) or a BigInt(…) call, because BigInt
 * arithmetic is exact.
 */

const MONEY_WORDS = ['amount', 'minor', 'balance', 'price', 'total', 'base', 'tax', 'fee', 'cost', 'payout', 'threshold'];
const MONEY = new RegExp(MONEY_WORDS.join('|'), 'i');

export interface Hit {
  file: string;
  line: number;
  rule: string;
  text: string;
}

interface Rule {
  id: string;
  /** Why the pattern means a float touched money; shown with each hit. */
  why: string;
}

/** The rules, each with the reason it exists. */
export const RULES = {
  parseFloat: {
    id: 'parseFloat',
    why: 'parses text into a binary float; amounts typed by people go through parseAmount() into integer minor units',
  },
  floatFormat: {
    id: 'toFixed/toPrecision/toExponential',
    why: 'formats a binary float; amounts are formatted from integers by formatMoney()/formatAmount()/toDecimalString()',
  },
  epsilon: {
    id: 'Number.EPSILON',
    why: 'a tolerance for floating-point error only exists where float arithmetic is being done',
  },
  mathRounding: {
    id: 'Math rounding of money',
    why: 'Math.round/floor/ceil/trunc/fround on a money value means it was (or may be) a float; the one rounding is roundHalfAwayFromZero (through percentOf/share/convert/amountOf), in BigInt',
  },
  division: {
    id: 'division of money',
    why: 'dividing JS numbers gives a float (1/3 of a cent); take a share with share() or percentOf(), or divide BigInts',
  },
  decimalLiteral: {
    id: 'decimal literal applied to money',
    why: 'a literal like 0.15 or 1e-2 has no exact binary value; rates are integer basis points',
  },
  scaling: {
    id: 'major/minor unit scaling',
    why: 'amount * 100 turns a major-unit (decimal, so float) amount into minor units; parse decimal text with parseAmount() instead',
  },
} as const satisfies Record<string, Rule>;

// ---------------------------------------------------------------------------------------------
// Reducing source to code only.
// ---------------------------------------------------------------------------------------------

const REGEX_BEFORE = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'case', 'in', 'of', 'void', 'throw', 'delete', 'new', 'yield', 'await', 'else', 'do']);

/**
 * The same text with every comment, string/template text and regex literal replaced by spaces
 * (newlines kept, so that offsets and line numbers do not move). Quote characters are kept, so a
 * blanked string still reads as an operand.
 */
export function codeOnly(src: string): string {
  const out = src.split('');
  const blank = (i: number) => {
    if (out[i] !== '\n') out[i] = ' ';
  };
  // A stack of contexts: 'code' entries carry their open-brace depth, so that the `}` that ends
  // a template's ${…} is told apart from one that closes a block inside it.
  const stack: { kind: 'code' | 'template'; depth: number }[] = [{ kind: 'code', depth: 0 }];
  let i = 0;
  const prevSignificant = (from: number): { ch: string; word: string } => {
    let j = from - 1;
    while (j >= 0 && /\s/.test(out[j]!)) j--;
    if (j < 0) return { ch: '', word: '' };
    let k = j;
    while (k >= 0 && /[\w$]/.test(out[k]!)) k--;
    return { ch: out[j]!, word: out.slice(k + 1, j + 1).join('') };
  };
  while (i < src.length) {
    const top = stack[stack.length - 1]!;
    const c = src[i]!;
    const next = src[i + 1];
    if (top.kind === 'template') {
      if (c === '\\') {
        blank(i);
        blank(i + 1);
        i += 2;
      } else if (c === '`') {
        stack.pop();
        i++;
      } else if (c === '$' && next === '{') {
        stack.push({ kind: 'code', depth: 0 });
        i += 2;
      } else {
        blank(i);
        i++;
      }
      continue;
    }
    // Code.
    if (c === '/' && next === '/') {
      while (i < src.length && src[i] !== '\n') blank(i++);
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      while (i < stop) blank(i++);
    } else if (c === "'" || c === '"') {
      i++;
      while (i < src.length && src[i] !== c && src[i] !== '\n') {
        if (src[i] === '\\') blank(i++);
        blank(i++);
      }
      i++;
    } else if (c === '`') {
      stack.push({ kind: 'template', depth: 0 });
      i++;
    } else if (c === '{') {
      top.depth++;
      i++;
    } else if (c === '}') {
      if (top.depth === 0 && stack.length > 1) stack.pop();
      else top.depth--;
      i++;
    } else if (c === '/') {
      const prev = prevSignificant(i);
      const isRegex = prev.ch === '' || REGEX_BEFORE.has(prev.ch) || REGEX_AFTER_WORDS.has(prev.word);
      if (!isRegex) {
        i++;
        continue;
      }
      // A regex literal: blank it up to the closing slash (not one inside [...]) and its flags.
      blank(i++);
      let inClass = false;
      while (i < src.length && src[i] !== '\n') {
        const r = src[i]!;
        if (r === '\\') {
          blank(i++);
          blank(i++);
          continue;
        }
        if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        blank(i++);
      }
      blank(i++);
      while (i < src.length && /[a-z]/i.test(src[i]!)) blank(i++);
    } else {
      i++;
    }
  }
  return out.join('');
}

/**
 * The JavaScript inside an EJS template's tags, in place: everything outside <% … %> (the
 * HTML) becomes spaces, as do the tag markers; <%# comments %> and <%% literals are dropped.
 */
export function ejsCode(src: string): string {
  const out = src.replace(/[^\n]/g, ' ').split('');
  const tag = /<%([=\-_#%]?)([\s\S]*?)[-_]?%>/g;
  for (let m = tag.exec(src); m; m = tag.exec(src)) {
    if (m[1] === '#' || m[1] === '%') continue;
    const start = m.index + 2 + m[1]!.length;
    for (let k = 0; k < m[2]!.length; k++) out[start + k] = m[2]![k]!;
  }
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// Operands of an operator, on one line of code-only text.
// ---------------------------------------------------------------------------------------------

const OPEN: Record<string, string> = { ')': '(', ']': '[' };
const CLOSE: Record<string, string> = { '(': ')', '[': ']' };

/** The operand that ends just before `end`: an identifier chain, literal, call or bracket group. */
function leftOperand(line: string, end: number): string {
  let j = end - 1;
  while (j >= 0 && line[j] === ' ') j--;
  const stop = j + 1;
  for (;;) {
    if (j < 0) break;
    const ch = line[j]!;
    if (OPEN[ch]) {
      let depth = 0;
      for (; j >= 0; j--) {
        if (line[j] === ch) depth++;
        else if (line[j] === OPEN[ch] && --depth === 0) break;
      }
      j--;
    } else if (/[\w$.?'"]/.test(ch)) {
      // `?` only as part of `?.` (optional chaining).
      if (ch === '?' && line[j + 1] !== '.') break;
      j--;
    } else break;
  }
  return line.slice(j + 1, stop).trim();
}

/** The operand that starts just after `start` (a leading unary sign included). */
function rightOperand(line: string, start: number): string {
  let j = start;
  while (j < line.length && line[j] === ' ') j++;
  const from = j;
  if (line[j] === '-' || line[j] === '+') j++;
  for (;;) {
    if (j >= line.length) break;
    const ch = line[j]!;
    if (CLOSE[ch]) {
      let depth = 0;
      for (; j < line.length; j++) {
        if (line[j] === ch) depth++;
        else if (line[j] === CLOSE[ch] && --depth === 0) break;
      }
      j++;
    } else if (/[\w$.'"]/.test(ch) || (ch === '?' && line[j + 1] === '.')) {
      j++;
    } else break;
  }
  return line.slice(from, j).trim();
}

const mentionsMoney = (operand: string) => (operand.match(/[A-Za-z_$][\w$]*/g) ?? []).some((id) => MONEY.test(id));
const isBigInt = (operand: string) => /\b\d[\d_]*n\b/.test(operand) || /\bBigInt\s*\(/.test(operand);
const isDecimalLiteral = (operand: string) => /^[-+]?(?:(?:\d[\d_]*)?\.\d[\d_]*(?:e[-+]?\d+)?|\d[\d_]*\.?(?:e[-+]?\d+))$/i.test(operand);
const isPowerOfTen = (operand: string) => /^(?:10+|1(?:_000)+)$/.test(operand);

/** The argument text of a call whose opening parenthesis is at `open`. */
function callArgument(line: string, open: number): string {
  let depth = 0;
  for (let j = open; j < line.length; j++) {
    if (line[j] === '(') depth++;
    else if (line[j] === ')' && --depth === 0) return line.slice(open + 1, j);
  }
  return line.slice(open + 1);
}

// ---------------------------------------------------------------------------------------------
// The scanner.
// ---------------------------------------------------------------------------------------------

/** Every hit in one file's code-only text; `original` is used for the text shown with a hit. */
export function scanCode(file: string, code: string, original: string): Hit[] {
  const hits: Hit[] = [];
  const codeLines = code.split('\n');
  const srcLines = original.split('\n');
  codeLines.forEach((line, n) => {
    const hit = (rule: Rule) => hits.push({ file, line: n + 1, rule: rule.id, text: (srcLines[n] ?? '').trim() });

    if (/\b(?:Number\s*\.\s*)?parseFloat\s*\(/.test(line)) hit(RULES.parseFloat);
    if (/\.\s*to(?:Fixed|Precision|Exponential)\s*\(/.test(line)) hit(RULES.floatFormat);
    if (/\bNumber\s*\.\s*EPSILON\b/.test(line)) hit(RULES.epsilon);

    for (const m of line.matchAll(/\bMath\s*\.\s*(?:round|floor|ceil|trunc|fround)\s*\(/g)) {
      if (mentionsMoney(callArgument(line, m.index + m[0].length - 1))) {
        hit(RULES.mathRounding);
        break;
      }
    }

    // Arithmetic operators: / and /= (division), * and *= (scaling), and any of + - * / with a
    // decimal literal. `**`, `//` and `/*` cannot occur here (comments are blanked).
    const seen = new Set<string>();
    for (const m of line.matchAll(/(\*\*|[-+*/])(=?)/g)) {
      const op = m[1]!;
      if (op === '**') continue;
      const at = m.index;
      // `++`, `--`, `=>`-free: skip increment/decrement and the second char of `=`-compounds.
      if ((op === '+' || op === '-') && (line[at + 1] === op || line[at - 1] === op)) continue;
      const left = leftOperand(line, at);
      const right = rightOperand(line, at + m[0].length);
      if (!left && (op === '+' || op === '-')) continue; // a unary sign
      const money = mentionsMoney(left) || mentionsMoney(right);
      if (!money) continue;
      const bigint = isBigInt(left) || isBigInt(right);
      if (op === '/' && !bigint) seen.add(RULES.division.id);
      if (isDecimalLiteral(left) || isDecimalLiteral(right)) seen.add(RULES.decimalLiteral.id);
      if (op === '*' && !bigint && (isPowerOfTen(left) || isPowerOfTen(right))) seen.add(RULES.scaling.id);
    }
    for (const rule of [RULES.division, RULES.decimalLiteral, RULES.scaling]) if (seen.has(rule.id)) hit(rule);
  });
  return hits;
}

/** Scans one source text, TypeScript or EJS by its name. */
export function scanSource(file: string, src: string): Hit[] {
  return scanCode(file, codeOnly(file.endsWith('.ejs') ? ejsCode(src) : src), src);
}

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, ext));
    else if (e.isFile() && e.name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

const ROOT = path.resolve(__dirname, '..');
const show = (h: Hit) => `${h.file}:${h.line}: ${h.rule}: ${h.text}`;

describe('no floating point touches money', () => {
  it('the scanner catches planted float money code, each at its file:line', () => {
    const planted = [
      '// a comment line, nothing here',
      'const amountMinor = Math.round(parseFloat(priceText) * 100);',
      'const fee = invoice.total_minor * 0.15;',
      'const label = `USD ${(total / 100).toFixed(2)}`;',
      'if (Math.abs(balance - expected) < Number.EPSILON) ok();',
      'const part = Math.floor((amount * rateBp) / 10000);',
      'const ratio = refunded / c.amount;',
      'let payout = 0; payout += 0.5;',
      'const cents = price * 100;',
    ].join('\n');
    const got = scanSource('planted.ts', planted).map((h) => `${h.line} ${h.rule}`);
    expect(got).to.deep.equal([
      '2 parseFloat',
      '2 Math rounding of money',
      '2 major/minor unit scaling',
      '3 decimal literal applied to money',
      '4 toFixed/toPrecision/toExponential',
      '4 division of money',
      '5 Number.EPSILON',
      '6 Math rounding of money',
      '6 division of money',
      '7 division of money',
      '8 decimal literal applied to money',
      '9 major/minor unit scaling',
    ]);

    const template = ['<table>', '  <tr><td>total / 100</td>', '  <td><%= (c.amount / 100).toFixed(2) %></td></tr>', '</table>'].join('\n');
    expect(scanSource('planted.ejs', template).map((h) => `${h.line} ${h.rule}`)).to.deep.equal(['3 toFixed/toPrecision/toExponential', '3 division of money']);
  });

  it('the scanner leaves integer and BigInt money code, comments, strings and regexes alone', () => {
    const clean = [
      '// amount / 100 and parseFloat(price) in a comment',
      '/* Math.round(total * 0.5) in a block comment */',
      "const message = 'amount / 100 is not how to do it: toFixed(2)';",
      'const rounded = (abs + 5000n) / 10000n;',
      'const viaBigInt = BigInt(amount) / 100n;',
      'const whole = Math.trunc(bp / 100);',
      'const re = /amount\\/100/g;',
      'const c = percentOf(amount, 1500) + share(total, refunded, base);',
      'const left = minor(c.amount - c.adjusted);',
      'const t = `${formatAmount(total, cur)} / month`;',
      'const half = bp * 0.5;',
    ].join('\n');
    expect(scanSource('clean.ts', clean).map(show)).to.deep.equal([]);
    expect(scanSource('clean.ejs', '<p>price * 0.15</p><%# amount / 100 %><%= h.money(c.amount - c.adjusted, cur) %>').map(show)).to.deep.equal([]);
  });

  it('money is rounded in one place: no BigInt half-up is written by hand outside module/money/rounding.ts', () => {
    // The half added before dividing, as each of the four roundings that were merged wrote it.
    const handRounding = /\+\s*5[0_]*n\b|\*\s*2n\s*\+/;
    const written = ['(abs + 5000n) / 10000n', '(absP * 2n + absD) / (absD * 2n)', '((product * sign) * 2n + den) / (den * 2n)', '(product * sign + 50_000_000n) / 100_000_000n'];
    expect(written.filter((code) => handRounding.test(code))).to.deep.equal(written);
    expect(handRounding.test(codeOnly('// (abs + 5000n) / 10000n in a comment'))).to.equal(false);
    const files = filesUnder(path.join(ROOT, 'module'), '.ts').filter((f) => path.relative(ROOT, f) !== path.join('module', 'money', 'rounding.ts'));
    const hits = files.flatMap((f) =>
      codeOnly(fs.readFileSync(f, 'utf8'))
        .split('\n')
        .flatMap((line, n) => (handRounding.test(line) ? [`${path.relative(ROOT, f)}:${n + 1}`] : [])),
    );
    expect(hits, 'use roundHalfAwayFromZero').to.deep.equal([]);
  });

  it('no .ts file under module/ and no template under templates/ lets a float touch money', () => {
    const ts = filesUnder(path.join(ROOT, 'module'), '.ts');
    const ejs = filesUnder(path.join(ROOT, 'templates'), '.ejs');
    // The scan must have something to scan: an emptied glob would pass for nothing.
    expect(ts.length, '.ts files under module/').to.be.greaterThan(20);
    expect(ejs.length, '.ejs files under templates/').to.be.greaterThan(3);
    expect(ts.map((f) => path.relative(ROOT, f))).to.include('module/money/amount.ts');
    const hits = [...ts, ...ejs].flatMap((f) => scanSource(path.relative(ROOT, f), fs.readFileSync(f, 'utf8')));
    const why = Object.fromEntries(Object.values(RULES).map((r) => [r.id, r.why]));
    expect(hits.map(show), `floating point touches money:\n${hits.map((h) => `  ${show(h)}\n      (${why[h.rule]})`).join('\n')}\n`).to.deep.equal([]);
  });
});
