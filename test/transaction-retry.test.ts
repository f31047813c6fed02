import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { connect } from '../module/db/connection';
import { inTransaction, isTransactionConflict } from '../module/db/transaction';
import { isUniqueViolation } from '../module/core/errors';

/** A promise and the function that settles it: a barrier between two connections. */
function barrier(): { reached: Promise<void>; pass: () => void } {
  let pass = () => {};
  const reached = new Promise<void>((resolve) => (pass = resolve));
  return { reached, pass };
}

/** What mysql2 throws for a deadlock's victim, as a work function can meet it. */
function deadlockError(): Error {
  return Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { code: 'ER_LOCK_DEADLOCK', errno: 1213 });
}

async function counters(db: Knex): Promise<number[]> {
  const rows: { n: number | string }[] = await db('retry_counters').orderBy('id').select('n');
  return rows.map((r) => Number(r.n));
}

onEachDatabase('a money transaction retried on a conflict', ({ current }) => {
  beforeEach(async () => {
    const db = current().db;
    await db.schema.dropTableIfExists('retry_counters');
    await db.schema.createTable('retry_counters', (t) => {
      t.integer('id').primary();
      t.integer('n').notNullable();
    });
    await db('retry_counters').insert([
      { id: 1, n: 0 },
      { id: 2, n: 0 },
    ]);
  });

  it('runs the whole work again when a statement lost a deadlock, and both sides count once each', async function () {
    if (current().kind !== 'mariadb') this.skip();
    const other = connect(current().url);
    try {
      const aLocked = barrier();
      const bLocked = barrier();
      let attempts = 0;
      // A takes row 1 then wants row 2; B takes row 2 then wants row 1: InnoDB must kill one.
      const side = (first: number, second: number, mine: ReturnType<typeof barrier>, theirs: ReturnType<typeof barrier>, db: Knex) =>
        inTransaction(db, async (trx) => {
          attempts++;
          await trx('retry_counters').where({ id: first }).increment('n', 1);
          mine.pass();
          await theirs.reached;
          await trx('retry_counters').where({ id: second }).increment('n', 10);
        });
      await Promise.all([side(1, 2, aLocked, bLocked, current().db), side(2, 1, bLocked, aLocked, other)]);
      // Three runs: both first ones, one of which was the victim and ran again. Row 1 got A's 1 and
      // B's 10, row 2 B's 1 and A's 10: nothing of the victim's first run is left.
      expect(attempts).to.equal(3);
      expect(await counters(current().db)).to.deep.equal([11, 11]);
    } finally {
      await other.destroy();
    }
  });

  it('does not trust a transaction whose work swallowed a deadlock: it runs it again', async function () {
    if (current().kind !== 'mariadb') this.skip();
    const other = connect(current().url);
    try {
      const aLocked = barrier();
      const bLocked = barrier();
      let attempts = 0;
      let swallowed = 0;
      const victim = inTransaction(current().db, async (trx) => {
        attempts++;
        await trx('retry_counters').where({ id: 1 }).increment('n', 1);
        if (attempts > 1) return 'second run';
        aLocked.pass();
        await bLocked.reached;
        try {
          await trx('retry_counters').where({ id: 2 }).increment('n', 1);
        } catch (e) {
          // Work that reads a failure as "someone else did it" and goes on: the transaction is gone.
          if (!isTransactionConflict(e)) throw e;
          swallowed++;
        }
        return 'first run';
      });
      // The other side waits until the victim holds row 1, then makes the cycle; MariaDB kills
      // the one whose statement closes it unless it weighs less. Make the other side heavier.
      const winner = other.transaction(async (trx) => {
        await trx('retry_counters').where({ id: 2 }).increment('n', 100);
        await trx('retry_counters').insert(Array.from({ length: 20 }, (_, i) => ({ id: 100 + i, n: 0 })));
        bLocked.pass();
        await aLocked.reached;
        await trx('retry_counters').where({ id: 1 }).increment('n', 100);
      });
      const [answer] = await Promise.all([victim, winner]);
      expect(swallowed).to.equal(1);
      expect(answer).to.equal('second run');
      expect(attempts).to.equal(2);
      expect((await counters(current().db)).slice(0, 2)).to.deep.equal([101, 100]);
    } finally {
      await other.destroy();
    }
  });

  it('stops after the bounded number of retries and throws the conflict', async () => {
    let attempts = 0;
    const failing = inTransaction(
      current().db,
      () => {
        attempts++;
        return Promise.reject(deadlockError());
      },
      { retries: 3, jitterMs: 1 },
    );
    const error: unknown = await failing.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isTransactionConflict(error)).to.equal(true);
    expect(attempts).to.equal(4);
  });

  it('never retries what is not a conflict: a taken unique key is thrown at once', async () => {
    let attempts = 0;
    const error: unknown = await inTransaction(current().db, async (trx) => {
      attempts++;
      await trx('retry_counters').insert({ id: 1, n: 5 });
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isUniqueViolation(error)).to.equal(true);
    expect(attempts).to.equal(1);
    expect(await counters(current().db)).to.deep.equal([0, 0]);
  });

  it('inside an outer transaction runs once, leaving the retry to the outer one', async () => {
    let inner = 0;
    let outer = 0;
    await inTransaction(
      current().db,
      async (trx) => {
        outer++;
        await trx('retry_counters').where({ id: 1 }).increment('n', 1);
        if (outer === 1) {
          await inTransaction(trx, () => {
            inner++;
            return Promise.reject(deadlockError());
          }).catch((e: unknown) => {
            if (!isTransactionConflict(e)) throw e;
          });
        }
      },
      { jitterMs: 1 },
    );
    // The inner conflict ran once; the outer saw it (on MariaDB through its statements' errors
    // only if the server raised one: here the work threw it, so the outer went on and committed).
    expect(inner).to.equal(1);
    expect(outer).to.equal(1);
    expect(await counters(current().db)).to.deep.equal([1, 0]);
  });
});
