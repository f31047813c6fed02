import type { Knex } from 'knex';

export interface RetryOptions {
  /** Runs after the first that may be made (default 8): a cluster under a burst needs a few. */
  retries?: number;
  /** The longest pause before a retry, in ms (default 50, doubled each time up to 1 s); each pause is random below it. */
  jitterMs?: number;
  /** Whether a lock wait timeout (1205) starts the transaction again (default yes). */
  retryLockWait?: boolean;
}

/** The transaction was chosen to give way (1213, Galera's certification failure or brute-force abort). */
export function isTransactionConflict(err: unknown): boolean {
  const { code, errno, message } = driverError(err);
  if (code === 'ER_LOCK_DEADLOCK' || errno === 1213) return true;
  // Galera words its aborts itself; MariaDB gives them 1213, but a proxy may not keep the number.
  return /WSREP detected deadlock\/conflict|Deadlock found when trying to get lock/i.test(message);
}

/** A lock was waited for longer than innodb_lock_wait_timeout: the statement failed, the work may run again. */
export function isLockWaitTimeout(err: unknown): boolean {
  const { code, errno } = driverError(err);
  return code === 'ER_LOCK_WAIT_TIMEOUT' || errno === 1205 || code === 'SQLITE_BUSY';
}

/**
 * A statement in the transaction was told it lost (1213), yet the work finished without throwing
 * (it caught the error): on Galera a COMMIT after that can answer OK with nothing committed, so
 * the transaction is run again rather than trusted.
 */
export class LostTransaction extends Error {
  constructor(cause: unknown) {
    super('a statement of this transaction was aborted as a conflict, and the work went on: it is run again', { cause });
    this.name = 'LostTransaction';
  }
}

/**
 * Runs `work` in a transaction and, when the database chose it to give way (a deadlock, a
 * Galera certification failure on any statement or at COMMIT, a lock wait timeout), runs the
 * whole of it again from the start after a random pause, a bounded number of times. Anything
 * else (a unique key taken, a rule refused) is thrown at once: exactly-once is the unique keys'
 * and the balance rows' job, and a retry only re-reads them. Inside an outer transaction it runs
 * as a savepoint without retrying: a conflict ends the outer one, whose own retry starts over.
 */
export async function inTransaction<T>(db: Knex | Knex.Transaction, work: (trx: Knex.Transaction) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  if (db.isTransaction) return db.transaction(work);
  const retries = options.retries ?? 8;
  const jitterMs = options.jitterMs ?? 50;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (trx) => {
        let lost: unknown = null;
        const listener = (err: unknown) => {
          if (isTransactionConflict(err)) lost ??= err;
        };
        trx.on('query-error', listener);
        try {
          const result = await work(trx);
          if (lost !== null) throw new LostTransaction(lost);
          return result;
        } finally {
          trx.removeListener('query-error', listener);
        }
      });
    } catch (e) {
      const retryable = e instanceof LostTransaction || isTransactionConflict(e) || (options.retryLockWait !== false && isLockWaitTimeout(e));
      if (!retryable || attempt >= retries) throw e;
      await pause(Math.random() * Math.min(1000, jitterMs * 2 ** attempt));
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function driverError(err: unknown): { code: unknown; errno: unknown; message: string } {
  if (typeof err !== 'object' || err === null) return { code: undefined, errno: undefined, message: String(err) };
  return {
    code: 'code' in err ? err.code : undefined,
    errno: 'errno' in err ? err.errno : undefined,
    message: 'message' in err && typeof err.message === 'string' ? err.message : '',
  };
}
