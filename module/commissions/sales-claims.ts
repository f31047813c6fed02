import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { HostInvoice } from '../contract/host-api';
import type { AssignmentService, Referral } from '../attribution/assignment-service';
import type { OrderClickService } from '../attribution/order-click-service';
import type { ProgramService } from '../programs/program-service';
import { orderOverrideFor } from './order-override-row';
import { markFirstPaid, storedFirstPaid } from './first-paid-orders';
import { ProgramVersions } from './program-versions';

/**
 * Who sells on an invoice, under which terms: the client's referral, an admin's override of the
 * order the invoice bills, or the order's own click under a program that attributes orders.
 */
export interface SalesClaim {
  agentId: number;
  programId: number;
  termsVersion: number;
  /** Where "N months" counts from. */
  since: number;
  /**
   * The client's referral row, whose first paid invoice this may be; null for an override, whose
   * invoice is the deal's first, and for an order's click, which is claimed on the client's first
   * paid invoice only.
   */
  referralId: number | null;
  /** Payment details are checked against the agent's own for a referral or a click, not for an admin's choice. */
  checkPayment: boolean;
  /** The referral's record of its first paid invoice when the claim was read (set once, never changed). */
  firstPaidInvoiceId: number | null;
}

export interface InvoiceClaim {
  claim: SalesClaim | null;
  rule: string;
  overrideVersion: number;
  /**
   * The claim was decided on this invoice being the client's first paid one, though none was
   * stored yet: the transaction that marks it must find its own invoice marked (`confirmFirstPaid`).
   */
  presumedFirst: boolean;
}

/** Assignments a click made; the others (an admin, a service manager, a quote, a code, a domain) hold whatever the scope. */
const CLICK_RULES = new Set(['last_click', 'first_click']);

const NOBODY: InvoiceClaim = { claim: null, rule: 'auto', overrideVersion: 0, presumedFirst: false };

/** Who earns the sales commissions of a paid invoice, and under which rule key. */
export class SalesClaims {
  private readonly versions: ProgramVersions;

  constructor(
    private readonly db: Knex,
    private readonly assignments: Pick<AssignmentService, 'forClient'>,
    programs: Pick<ProgramService, 'at'>,
    private readonly orderClicks: Pick<OrderClickService, 'forInvoice'>,
    private readonly clock: Clock,
  ) {
    this.versions = new ProgramVersions(programs);
  }

  /**
   * An admin's override of the invoice's order comes first (its agent may be no one). Then the
   * client's live assignment under a program that attributes clients. Under one that attributes
   * orders, only the client's first paid invoice earns: for an assignment no click made, or else
   * for the click recorded for the invoice's order at checkout. The rule key says which override
   * made the commissions: 'auto', or 'order:v<n>'
   * under the n-th override of the order.
   */
  async forInvoice(invoice: HostInvoice): Promise<InvoiceClaim> {
    // Only reads, before the transaction: the override and the referral at once (two connections
    // on MariaDB; SQLite's one runs them in turn). What they decided is checked under the lock.
    const [override, found] = await Promise.all([orderOverrideFor(this.db, invoice.id), this.assignments.forClient(invoice.client_id)]);
    if (override) {
      const rule = `order:v${override.version}`;
      const overrideVersion = override.version;
      if (override.agentId === null) return { claim: null, rule, overrideVersion, presumedFirst: false };
      if (override.programId === null || override.termsVersion === null) throw new Error(`order override of invoice ${invoice.id} names an agent but no terms`);
      return {
        claim: {
          agentId: override.agentId,
          programId: override.programId,
          termsVersion: override.termsVersion,
          since: override.createdAt,
          referralId: null,
          checkPayment: false,
          firstPaidInvoiceId: null,
        },
        rule,
        overrideVersion,
        presumedFirst: false,
      };
    }
    const referral = found && found.endedAt === null ? found : null;
    const scope = referral ? await this.scopeOf(referral) : 'client';
    const referralClaim = (r: Referral, presumedFirst: boolean): InvoiceClaim => ({
      claim: { agentId: r.agentId, programId: r.programId, termsVersion: r.termsVersion, since: r.createdAt, referralId: r.id, checkPayment: true, firstPaidInvoiceId: r.firstPaidInvoiceId },
      rule: 'auto',
      overrideVersion: 0,
      presumedFirst,
    });
    if (referral && scope === 'client') return referralClaim(referral, false);
    // Only the client's first paid order earns under order scope, whatever made the claim (a code
    // typed by a customer who paid before earns nothing); a referral's own record of its first
    // paid invoice also counts, for invoices paid before the first-paid table existed. None
    // stored yet: this invoice is to be the first, which its transaction confirms as it marks it.
    const first = await storedFirstPaid(this.db, invoice.client_id);
    const presumedFirst = first === null;
    if ((first !== null && first !== invoice.id) || (found && found.firstPaidInvoiceId !== null && found.firstPaidInvoiceId !== invoice.id)) return NOBODY;
    // An assignment no click made (an admin, a code, a domain) holds on that first order.
    if (referral && !CLICK_RULES.has(referral.rule)) return referralClaim(referral, presumedFirst);
    const click = await this.orderClicks.forInvoice(invoice.id);
    if (!click || click.clientId !== invoice.client_id) return { ...NOBODY, presumedFirst };
    return {
      claim: {
        agentId: click.agentId,
        programId: click.programId,
        termsVersion: click.termsVersion,
        since: click.clickedAt,
        referralId: null,
        checkPayment: true,
        firstPaidInvoiceId: null,
      },
      rule: 'auto',
      overrideVersion: 0,
      presumedFirst,
    };
  }

  /**
   * Marks the invoice as the client's first paid one unless another is, in the event's own
   * transaction, and says whether what the claim presumed still holds: false when another invoice
   * of the client was marked first since the claim was read (the event is then worked out again).
   */
  async confirmFirstPaid(trx: Knex.Transaction, invoice: HostInvoice, claimed: InvoiceClaim): Promise<boolean> {
    await markFirstPaid(trx, invoice.client_id, invoice.id, invoice.date_paid ?? this.clock.now());
    if (!claimed.presumedFirst) return true;
    return (await storedFirstPaid(trx, invoice.client_id)) === invoice.id;
  }

  /** Marks the invoice as the client's first paid one unless another is, when nobody earns on it. */
  async markUnattributed(invoice: HostInvoice): Promise<void> {
    await markFirstPaid(this.db, invoice.client_id, invoice.id, invoice.date_paid ?? this.clock.now());
  }

  /** Whether the referral's terms attribute clients (every invoice may earn) or orders (the first paid one only). */
  private async scopeOf(referral: Referral): Promise<'client' | 'order'> {
    const program = await this.versions.at(referral.programId, referral.termsVersion);
    return program.def.attribution_scope === 'order' ? 'order' : 'client';
  }
}
