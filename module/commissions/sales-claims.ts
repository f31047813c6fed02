import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { HostInvoice } from '../contract/host-api';
import type { AssignmentService, Referral } from '../attribution/assignment-service';
import type { OrderClickService } from '../attribution/order-click-service';
import type { ProgramService } from '../programs/program-service';
import { orderOverrideFor } from './order-override-row';
import { firstPaidInvoice } from './first-paid-orders';

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
}

export interface InvoiceClaim {
  claim: SalesClaim | null;
  rule: string;
  overrideVersion: number;
}

/** Assignments a click made; the others (an admin, a service manager, a quote, a code, a domain) hold whatever the scope. */
const CLICK_RULES = new Set(['last_click', 'first_click']);

const NOBODY: InvoiceClaim = { claim: null, rule: 'auto', overrideVersion: 0 };

/** Who earns the sales commissions of a paid invoice, and under which rule key. */
export class SalesClaims {
  constructor(
    private readonly db: Knex,
    private readonly assignments: Pick<AssignmentService, 'forClient'>,
    private readonly programs: Pick<ProgramService, 'at'>,
    private readonly orderClicks: Pick<OrderClickService, 'forInvoice'>,
    private readonly clock: Clock,
  ) {}

  /**
   * An admin's override of the invoice's order comes first (its agent may be no one). Then the
   * client's live assignment under a program that attributes clients. Under one that attributes
   * orders, only the client's first paid invoice earns: for an assignment no click made, or else
   * for the click recorded for the invoice's order at checkout. The rule key says which override
   * made the commissions: 'auto', or 'order:v<n>'
   * under the n-th override of the order.
   */
  async forInvoice(invoice: HostInvoice): Promise<InvoiceClaim> {
    const first = await firstPaidInvoice(this.db, invoice.client_id, invoice.id, invoice.date_paid ?? this.clock.now());
    const override = await orderOverrideFor(this.db, invoice.id);
    if (override) {
      const rule = `order:v${override.version}`;
      const overrideVersion = override.version;
      if (override.agentId === null) return { claim: null, rule, overrideVersion };
      if (override.programId === null || override.termsVersion === null) throw new Error(`order override of invoice ${invoice.id} names an agent but no terms`);
      return {
        claim: { agentId: override.agentId, programId: override.programId, termsVersion: override.termsVersion, since: override.createdAt, referralId: null, checkPayment: false },
        rule,
        overrideVersion,
      };
    }
    const found = await this.assignments.forClient(invoice.client_id);
    const referral = found && found.endedAt === null ? found : null;
    const scope = referral ? await this.scopeOf(referral) : 'client';
    const referralClaim = (r: Referral): InvoiceClaim => ({
      claim: { agentId: r.agentId, programId: r.programId, termsVersion: r.termsVersion, since: r.createdAt, referralId: r.id, checkPayment: true },
      rule: 'auto',
      overrideVersion: 0,
    });
    if (referral && scope === 'client') return referralClaim(referral);
    // Only the client's first paid order earns under order scope, whatever made the claim (a code
    // typed by a customer who paid before earns nothing); a referral's own record of its first
    // paid invoice also counts, for invoices paid before the first-paid table existed.
    if (first !== invoice.id || (found && found.firstPaidInvoiceId !== null && found.firstPaidInvoiceId !== invoice.id)) return NOBODY;
    // An assignment no click made (an admin, a code, a domain) holds on that first order.
    if (referral && !CLICK_RULES.has(referral.rule)) return referralClaim(referral);
    const click = await this.orderClicks.forInvoice(invoice.id);
    if (!click || click.clientId !== invoice.client_id) return NOBODY;
    return {
      claim: { agentId: click.agentId, programId: click.programId, termsVersion: click.termsVersion, since: click.clickedAt, referralId: null, checkPayment: true },
      rule: 'auto',
      overrideVersion: 0,
    };
  }

  /** Whether the referral's terms attribute clients (every invoice may earn) or orders (the first paid one only). */
  private async scopeOf(referral: Referral): Promise<'client' | 'order'> {
    const program = await this.programs.at(referral.programId, referral.termsVersion);
    return program?.def.attribution_scope === 'order' ? 'order' : 'client';
  }
}
