/** A request the rules refuse; its message is shown to the person who made it. */
export class RuleError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RuleError';
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
