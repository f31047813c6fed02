import type { Request, Response } from 'express';
import type { HostUser } from '../contract/host-api';
import { agentForForm, agentForPage, type AgentPageDeps } from '../agents';
import type { Agent } from '../agents/agent-service';
import type { Actions } from '../http/action';
import { submitClientForm, type RefusedForm } from '../http/form-action';
import { clientAction } from '../http/paths';
import type { Program } from '../programs/program-service';
import type { WithdrawalService } from './withdrawal-service';

const PAGE = clientAction('payouts');
/** Every payout the page lists (an agent paid twice a month for ten years has 240). */
const MAX_PAYOUTS = 500;

export interface PayoutsControllerDeps extends AgentPageDeps {
  withdrawals: Pick<WithdrawalService, 'get' | 'listForAgent' | 'request' | 'statement'>;
}

/**
 * The agent's Payouts: the statement, every payout with its gross, withholding tax and net, the
 * request form (`withdraw`, moved here from the Overview) and the program's payout rule in words.
 */
export function payoutsActions(deps: PayoutsControllerDeps): Actions<HostUser> {
  const { pages, withdrawals } = deps;

  async function show(agent: Agent, program: Program, req: Request, res: Response, notice: string | null, refused?: RefusedForm): Promise<void> {
    const h = pages.helpers(req);
    const [statement, list] = await Promise.all([withdrawals.statement(agent, program), withdrawals.listForAgent(agent.id, MAX_PAYOUTS)]);
    const schedule = program.def.payout.schedule;
    const html = await pages.render('client/payouts', {
      h,
      program,
      statement,
      withdrawals: list,
      notice,
      rule: [
        h.t('payouts.rule.hold', { n: program.holdDays }),
        h.t('payouts.rule.threshold', { amount: h.money(program.payoutThreshold, program.currency) }),
        h.t(schedule === 'on_request' ? 'payouts.rule.on_request' : `affiliate.schedule.${schedule}`),
        program.def.withholding_tax_bp > 0 ? h.t('payouts.rule.tax', { rate: h.rate(program.def.withholding_tax_bp) }) : h.t('payouts.rule.no_tax'),
      ],
      onRequest: schedule === 'on_request',
      withdrawAction: `${clientAction('withdraw')}#form-errors`,
      settingsLink: clientAction('payoutSettings'),
      taxProfileLink: clientAction('taxProfile'),
      statementLink: (id: number) => `${clientAction('payoutStatement')}&id=${id}`,
      errors: refused?.errors ?? {},
      values: refused?.values ?? {},
    });
    pages.clientPage(req, res, { titleKey: 'payouts.title', href: PAGE, html, status: refused?.status });
  }

  return {
    payouts: {
      method: 'GET',
      asClient: 'affiliates',
      async run(user, req, res) {
        const me = await agentForPage(deps, user, req, res, 'payouts.title');
        if (!me) return;
        const h = pages.helpers(req);
        let notice: string | null = null;
        const wid = typeof req.query.withdrawal === 'string' && /^[1-9]\d{0,9}$/.test(req.query.withdrawal) ? Number(req.query.withdrawal) : null;
        if (wid !== null) {
          const w = await withdrawals.get(wid);
          // Only the agent's own withdrawal is named back to them.
          if (w && w.agentId === me.agent.id) notice = h.t('affiliate.withdrawal_requested', { amount: h.money(w.amount, w.currency) });
        }
        // Back from cancelling a request (withdrawal-ending-controller.ts): said only of the agent's own.
        const cancelled = typeof req.query.cancelled === 'string' && /^[1-9]\d{0,9}$/.test(req.query.cancelled) ? await withdrawals.get(Number(req.query.cancelled)) : null;
        if (cancelled && cancelled.agentId === me.agent.id && cancelled.status === 'cancelled') {
          notice = h.t('withdrawal_end.agent.cancelled', { amount: h.money(cancelled.amount, cancelled.currency) });
        }
        await show(me.agent, me.program, req, res, notice);
      },
    },

    withdraw: {
      method: 'POST',
      asClient: 'affiliates',
      async run(user, req, res) {
        const { agent, program } = await agentForForm(deps, user);
        await submitClientForm(
          req,
          res,
          'withdraw',
          async (values) => `${PAGE}&withdrawal=${(await withdrawals.request(agent, program, values.amount ?? '', pages.helpers(req).locale)).id}`,
          (rq, rs, refused) => show(agent, program, rq, rs, null, refused),
        );
      },
    },
  };
}
