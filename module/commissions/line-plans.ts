import type { HostInvoice, HostInvoiceLine } from '../contract/host-api';
import type { Agent } from '../agents/agent-service';
import type { Program } from '../programs/program-service';
import { convert, minor, type Minor } from '../money/amount';
import { isCurrency } from '../money/currencies';
import { commissionsForLine, type LineCommission, type LineInput, type PerformerInput, type RatePart, type RecurrenceInput, type SalesAgentInput } from './engine';

/** The facts about the sales agent that the rules read. */
export interface SalesContext {
  agent: Agent;
  program: Program;
  input: SalesAgentInput;
  rec: RecurrenceInput;
}

/** The agent who performed a line's work (a training, an installation), under their own program. */
export interface PerformerContext {
  agent: Agent;
  program: Program;
  input: PerformerInput;
}

/** One commission to write: earned, or rejected with the reason the agent and the admin see. */
export interface Planned {
  line: HostInvoiceLine;
  program: Program;
  /** The line in the program's currency, when it was converted. */
  base?: Minor;
  commission: LineCommission | null;
  rejected?: { agentId: number; reason: string };
}

// Work performed is paid whenever it is done, whatever the client's referral history.
const FIRST_ONLY: RecurrenceInput = { isFirstInvoice: true, earnedBefore: () => false, withinMonths: () => true };

/**
 * What each line of a paid invoice earns, and for whom: the sales agent by the rules of their
 * terms, each line's performer by theirs (one commission when they are the same agent). Pure:
 * everything it reads was fetched before, so the rules are tested without a database.
 */
export function planInvoice(
  invoice: HostInvoice,
  sales: SalesContext | null,
  performers: Map<number, PerformerContext>,
  /** The host's rates from the invoice currency into each converting program's currency. */
  rates: Map<string, string | null>,
  /** Why the sales agent may not earn on this invoice, if they may not. */
  salesRefusal: string | null,
): Planned[] {
  return invoice.lines.flatMap((line) => planLine(line, invoice.currency, sales, performers.get(line.id) ?? null, rates, salesRefusal));
}

interface Plan {
  program: Program;
  agentId: number;
  list: (l: LineInput) => LineCommission[];
  refusal: string | null;
}

function planLine(
  line: HostInvoiceLine,
  invoiceCurrency: string,
  sales: SalesContext | null,
  performer: PerformerContext | null,
  rates: Map<string, string | null>,
  salesRefusal: string | null,
): Planned[] {
  const asInvoiced: LineInput = { id: line.id, amount: minor(line.amount_minor), productId: line.product_id, category: line.category };
  const plans: Plan[] = [];
  if (sales && performer && sales.agent.id === performer.agent.id) {
    plans.push({ program: sales.program, agentId: sales.agent.id, list: (l) => commissionsForLine(sales.program.def, l, sales.input, performer.input, sales.rec), refusal: salesRefusal });
  } else {
    if (sales) plans.push({ program: sales.program, agentId: sales.agent.id, list: (l) => commissionsForLine(sales.program.def, l, sales.input, null, sales.rec), refusal: salesRefusal });
    if (performer) plans.push({ program: performer.program, agentId: performer.agent.id, list: (l) => commissionsForLine(performer.program.def, l, null, performer.input, FIRST_ONLY), refusal: null });
  }
  const out: Planned[] = [];
  for (const plan of plans) {
    const converted = inProgramCurrency(asInvoiced, invoiceCurrency, plan.program, rates);
    const refusal = plan.refusal ?? converted.refusal ?? null;
    const list = plan.list(converted.lineInput);
    if (!list.length) continue;
    if (refusal) {
      // Visible, not dropped: the agent and the admin see why nothing was paid.
      out.push({ line, program: plan.program, commission: null, rejected: { agentId: plan.agentId, reason: refusal } });
      continue;
    }
    const { fx } = converted;
    for (const c of list) out.push({ line, program: plan.program, base: converted.lineInput.amount, commission: fx ? { ...c, parts: [fx, ...c.parts] } : c });
  }
  return out;
}

/** The line in the program's currency, converted at the host's rate when the program says so. */
function inProgramCurrency(line: LineInput, invoiceCurrency: string, program: Program, rates: Map<string, string | null>): { lineInput: LineInput; fx?: RatePart; refusal?: string } {
  if (invoiceCurrency === program.currency) return { lineInput: line };
  const refusal = `invoice in ${invoiceCurrency}; the program pays ${program.currency}`;
  if (!program.def.convert_currencies || !isCurrency(invoiceCurrency)) return { lineInput: line, refusal };
  const rate = rates.get(program.currency);
  if (!rate) return { lineInput: line, refusal: `${refusal} and the platform has no ${invoiceCurrency}→${program.currency} rate` };
  const amount = convert(line.amount, invoiceCurrency, program.currency, rate);
  return { lineInput: { ...line, amount }, fx: { kind: 'fx', rule: 'fx', fx: { from: invoiceCurrency, rate, originalMinor: line.amount } } };
}
