import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { isUniqueViolation } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { ProgramService } from '../programs/program-service';
import { REFERRAL_COOKIE } from '../tracking';
import { asRow, num, stringOrNull, text } from '../db/columns';
import type { ReferralClaims } from './referral-claims';
import type { SelfReferralCheck } from './self-referral-check';

const DAY_MS = 86_400_000;

/** The click an order was placed after, under a program that attributes orders, not clients. */
export interface OrderClick {
  orderId: number;
  invoiceId: number;
  clientId: number;
  agentId: number;
  clickUid: string;
  clickedAt: number;
  source: string | null;
  programId: number;
  termsVersion: number;
  /** When the order was placed. */
  createdAt: number;
}

export function orderClickFromRow(row: unknown): OrderClick {
  const r = asRow(row);
  return {
    orderId: num(r.order_id),
    invoiceId: num(r.invoice_id),
    clientId: num(r.client_id),
    agentId: num(r.agent_id),
    clickUid: text(r.click_uid),
    clickedAt: num(r.clicked_at),
    source: stringOrNull(r.source) || null,
    programId: num(r.program_id),
    termsVersion: num(r.terms_version),
    createdAt: num(r.created_at),
  };
}

/**
 * Attribution per order (`attribution_scope: order`, Cloudlessons): at checkout, the referral
 * cookie the browser carries names the last click; it is kept for the order when its agent's
 * program attributes orders and the click is within the program's `order_window_days` of the
 * order. The invoice's sales claim reads it when the invoice is paid.
 */
export class OrderClickService {
  constructor(
    private readonly db: Knex,
    private readonly claims: Pick<ReferralClaims, 'byCookie'>,
    private readonly selfReferrals: Pick<SelfReferralCheck, 'verdict'>,
    private readonly programs: Pick<ProgramService, 'get'>,
    private readonly host: Pick<HostApi, 'getClient' | 'getOrder'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Records the order's click, if it has one that counts; a second delivery changes nothing. */
  async record(clientId: number, orderId: number, cookies: Record<string, string | undefined>): Promise<OrderClick | null> {
    const now = this.clock.now();
    // byCookie already refuses a blocked agent and a cookie past the program's cookie_days.
    const claim = await this.claims.byCookie(cookies[REFERRAL_COOKIE], now);
    if (!claim || claim.clickUid === null || claim.clickedAt === null) return null;
    const { agent } = claim;
    const program = await this.programs.get(agent.programId);
    if (!program) throw new Error(`program ${agent.programId} of agent ${agent.id} is missing`);
    const windowDays = program.def.order_window_days;
    if (program.def.attribution_scope !== 'order' || windowDays === undefined) return null;
    if (now - claim.clickedAt > windowDays * DAY_MS) return null;
    const client = await this.host.getClient(clientId);
    // A flagged self-referral is not attributed either: there is no client assignment for the
    // review queue to keep or reject, and an order-scoped program owes nothing on a doubtful click.
    const verdict = await this.selfReferrals.verdict(agent, clientId, client?.email, cookies);
    if (verdict) {
      this.logger.warn('order click not attributed: self-referral', { agentId: agent.id, clientId, orderId });
      return null;
    }
    const order = await this.host.getOrder(orderId);
    if (!order || order.client_id !== clientId) {
      this.logger.warn('order click not recorded: the host does not know the order as this client’s', { clientId, orderId });
      return null;
    }
    try {
      await this.db(T.orderClicks).insert({
        order_id: orderId,
        invoice_id: order.invoice_id,
        client_id: clientId,
        agent_id: agent.id,
        click_uid: claim.clickUid,
        clicked_at: claim.clickedAt,
        source: claim.source,
        program_id: program.id,
        terms_version: program.version,
        created_at: now,
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    return this.forOrder(orderId);
  }

  async forOrder(orderId: number): Promise<OrderClick | null> {
    const row: unknown = await this.db(T.orderClicks).where({ order_id: orderId }).first();
    return row ? orderClickFromRow(row) : null;
  }

  /** The click of the invoice's order; of the latest-placed one when several orders share it. */
  async forInvoice(invoiceId: number): Promise<OrderClick | null> {
    const row: unknown = await this.db(T.orderClicks).where({ invoice_id: invoiceId }).orderBy('created_at', 'desc').orderBy('id', 'desc').first();
    return row ? orderClickFromRow(row) : null;
  }
}
