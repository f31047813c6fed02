/** A request the rules refuse; its message is shown to the person who made it. */
export class RuleError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
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

/** MariaDB chose this transaction as a deadlock's victim and rolled it back: it may simply run again. */
export function isDeadlock(err: unknown): boolean {
  const e = err as { code?: string; errno?: number } | null;
  return !!e && (e.code === 'ER_LOCK_DEADLOCK' || e.errno === 1213);
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number } | null;
  return !!e && (e.code === 'ER_DUP_ENTRY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.errno === 1062);
}
