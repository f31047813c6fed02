import { translator, type MessageValue, type Translate } from '../i18n/lang';

const inEnglish = translator('english');

/**
 * A request the rules refuse; what it says is shown to the person who made it, in their
 * language. `key` is a lang key (with `vars` for its placeholders), so that the page translates
 * it for its reader: `new RuleError('withdrawals.error.below_threshold', 'amount', { amount })`.
 * `message` is the English text, for logs, the CLI and the API. A key no language file has is
 * shown as written (older plain-English refusals; the pseudo-locale test finds them).
 */
export class RuleError extends Error {
  readonly key: string;
  readonly vars: Readonly<Record<string, MessageValue>>;

  /** Amounts among `vars` as moneyValue(minor, currency): the reader's language formats them. */
  constructor(
    key: string,
    readonly field?: string,
    vars: Readonly<Record<string, MessageValue>> = {},
    options?: ErrorOptions,
  ) {
    super(inEnglish(key, vars), options);
    this.name = 'RuleError';
    this.key = key;
    this.vars = vars;
  }

  /** The refusal in the reader's language. */
  text(t: Translate): string {
    return t(this.key, this.vars);
  }
}

/** A hook delivered with variables that do not match the contract. */
export class HookInputError extends Error {
  constructor(
    readonly hook: string,
    readonly issues: string[],
  ) {
    super(`${hook}: rejected, ${issues.join('; ')}`);
    this.name = 'HookInputError';
  }
}

/** The message of whatever was thrown: JavaScript lets a throw carry any value, not only an Error. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The driver's error code and number (mysql2 and better-sqlite3 both set `code`; mysql2 `errno`). */
function driverCode(err: unknown): { code: unknown; errno: unknown } {
  if (typeof err !== 'object' || err === null) return { code: undefined, errno: undefined };
  return { code: 'code' in err ? err.code : undefined, errno: 'errno' in err ? err.errno : undefined };
}

/** MariaDB chose this transaction as a deadlock's victim and rolled it back: it may simply run again. */
export function isDeadlock(err: unknown): boolean {
  const { code, errno } = driverCode(err);
  return code === 'ER_LOCK_DEADLOCK' || errno === 1213;
}

export function isUniqueViolation(err: unknown): boolean {
  const { code, errno } = driverCode(err);
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || errno === 1062;
}
