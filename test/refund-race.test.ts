import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { defined } from './support/defined';
import { lockInvoice } from '../module/commissions/invoice-lock';
import { Scenario, verifyAfterEach } from './support/scenario';
import type { Program } from '../module/programs/program-service';
import { T } from '../module/db/tables';

/** A promise the test resolves: where one path waits for the other to get somewhere. */
function barrier(): { reached: Promise<void>; open: () => void } {
  let open!: () => void;
  const reached = new Promise<void>((resolve) => (open = resolve));
  return { reached, open };
}

const ROUNDS = 100;

/**
 * An admin refunds an invoice in full while its InvoicePaid is being worked out. Whichever way
 * the two interleave, the invoice ends refunded, so the commission it earned must end taken
 * back in full: USD 20.00 (20 % of USD 100.00) earned, USD 20.00 voided, nothing left pending.
 */
onEachDatabase('a full refund racing the payment it refunds', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let partner: number;
  let nextInvoice = 1000;

  before(async () => {
    s = await new Scenario(current().db, '2026-01-10T09:00:00Z').start();
    program = await s.program('cloudsigma.yaml');
    partner = await s.agent(program, { ratePercentBp: 2000 });
  });
  verifyAfterEach(() => s);

  /** The admin's refund: the host marks the invoice refunded, then tells the module. */
  const refundInFull = (invoice: { status: string }, id: number) => {
    invoice.status = 'Refunded';
    return s.services.refunds.onInvoiceRefunded(id);
  };

  /** `refund` lands while InvoicePaid has read the paid invoice and not yet begun its transaction. */
  async function refundBeforeTheTransaction(id: number, refund: () => Promise<unknown>): Promise<void> {
    const agents = s.services.agents;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back on the same object, where it runs with its own this
    const performersOf = agents.performersOf;
    const paused = barrier();
    const go = barrier();
    agents.performersOf = async (...args) => {
      agents.performersOf = performersOf;
      paused.open();
      await go.reached;
      return performersOf.apply(agents, args);
    };
    const paying = s.services.earnings.onInvoicePaid(id);
    await paused.reached;
    await refund();
    go.open();
    await paying;
  }

  /** The refund arrives while InvoicePaid is inside its transaction, writing. */
  async function refundDuringTheTransaction(id: number, invoice: { status: string }): Promise<void> {
    // The ledger's first entry is written inside InvoicePaid's transaction (the month's targets, read
    // there before, are now measured at month close): the pause is taken there.
    const ledger = s.services.ledger;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back on the same object, where it runs with its own this
    const post = ledger.post;
    const host = s.host;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back on the same object
    const getInvoice = host.getInvoice;
    const refundStarted = barrier();
    const refunding: { done?: Promise<unknown> } = {};
    ledger.post = async (...args) => {
      ledger.post = post;
      host.getInvoice = async (...a) => {
        host.getInvoice = getInvoice;
        const found = await getInvoice.apply(host, a);
        refundStarted.open();
        return found;
      };
      refunding.done = refundInFull(invoice, id);
      await refundStarted.reached;
      return post.apply(ledger, args);
    };
    await s.services.earnings.onInvoicePaid(id);
    await refunding.done;
  }

  it(`${ROUNDS} rounds, the refund before or during InvoicePaid's transaction: every commission ends voided in full, no mismatch`, async () => {
    let mismatches = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const client = await s.referredClient(partner);
      const id = nextInvoice++;
      const invoice = s.host.addInvoice(id, client, [{ amount: 10_000 }], s.clock.now());
      await (round % 2 ? refundDuringTheTransaction(id, invoice) : refundBeforeTheTransaction(id, () => refundInFull(invoice, id)));
      const rows = await s.db(T.commissions).where({ invoice_id: id });
      const left = rows.reduce((sum, r) => sum + Number(r.amount_minor) - Number(r.adjusted_minor), 0);
      const whole = rows.length === 1 && Number(rows[0].amount_minor) === 2_000 && String(rows[0].status) === 'voided';
      if (left !== 0 || !whole) mismatches++;
    }
    console.log(`      refund race [${current().kind}]: ${ROUNDS} rounds, ${mismatches} mismatches`);
    expect(mismatches).to.equal(0);
    expect(await s.balances(partner)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 0 });
  });

  it('a second delivery of InvoicePaid after the race changes nothing, and a partial refund before the transaction takes back its share: USD 5.00 of USD 20.00', async () => {
    const client = await s.referredClient(partner);
    const id = nextInvoice++;
    const invoice = s.host.addInvoice(id, client, [{ amount: 10_000 }], s.clock.now());
    await refundBeforeTheTransaction(id, () => s.services.refunds.onInvoiceRefunded(id, { amountMinor: 2_500, refundId: 'quarter' }));
    expect(invoice.status).to.equal('Paid');
    expect((await s.services.earnings.onInvoicePaid(id)).outcome).to.equal('duplicate');
    expect(await s.commissionsOf(id)).to.deep.equal([[partner, 2_000, 'pending']]);
    const [c] = await s.services.commissions.forInvoice(id);
    expect(defined(c, `a commission on invoice ${id}`).adjusted).to.equal(500);
    expect((await s.balances(partner)).pending).to.equal(1_500);
  });

  it('taking an invoice lock makes its row the first time and counts every taking; on MariaDB a second taker cannot have it while the first holds it', async () => {
    await s.db.transaction((trx) => lockInvoice(trx, 987_654));
    await s.db.transaction((trx) => lockInvoice(trx, 987_654));
    expect(Number((await s.db(T.invoiceLocks).where({ invoice_id: 987_654 }).first())?.taken)).to.equal(2);
    if (current().kind !== 'mariadb') return; // SQLite runs one transaction at a time
    // The first holds the lock of a new invoice (its row made inside the transaction); the second,
    // told to wait one second at most, gives up with a lock wait timeout: the lock is exclusive.
    const first = await s.db.transaction();
    let second = '';
    try {
      await lockInvoice(first, 987_655);
      await s.db
        .transaction(async (trx) => {
          await trx.raw('SET SESSION innodb_lock_wait_timeout = 1');
          await lockInvoice(trx, 987_655);
        })
        .catch((e: unknown) => (second = e instanceof Error ? e.message : String(e)));
    } finally {
      await first.commit();
    }
    expect(second).to.contain('Lock wait timeout exceeded');
  });
});
