import type { Request, Response } from 'express';
import type { HostUser } from '../contract/host-api';
import { agentForForm, agentForPage, type AgentPageDeps } from '../agents';
import type { Agent } from '../agents/agent-service';
import type { Actions } from '../http/action';
import { submitClientForm, type RefusedForm } from '../http/form-action';
import { clientAction } from '../http/paths';
import type { Program } from '../programs/program-service';
import type { PayoutMethodService } from './payout-method-service';

const PAGE = clientAction('payoutSettings');
const TITLE = 'payout_method.title';

export interface PayoutSettingsDeps extends AgentPageDeps {
  methods: Pick<PayoutMethodService, 'view' | 'history' | 'save'>;
}

/**
 * The agent's payout settings: how they are paid, from the methods their program allows. Always
 * the signed-in agent's own (found from the session, never from the form), and not open to a
 * service manager signed in as the client (no asClient): who is paid where is the agent's alone.
 */
export function payoutSettingsActions(deps: PayoutSettingsDeps): Actions<HostUser> {
  const { pages, methods } = deps;

  async function show(agent: Agent, program: Program, req: Request, res: Response, notice: string | null, refused?: RefusedForm): Promise<void> {
    const h = pages.helpers(req);
    const [current, history] = await Promise.all([methods.view(agent.id), methods.history(agent.id)]);
    const values = refused?.values ?? {};
    const html = await pages.render('client/payout-settings', {
      h,
      program,
      allowed: program.def.payout.methods,
      current,
      history,
      notice,
      saveAction: `${clientAction('savePayoutMethod')}#form-errors`,
      errors: refused?.errors ?? {},
      // A refused form is shown again as typed, except what a page must not echo back in full.
      values: { ...values, kind: values.kind ?? current?.kind ?? program.def.payout.methods[0] ?? '' },
    });
    pages.clientPage(req, res, { titleKey: TITLE, href: PAGE, html, status: refused?.status });
  }

  return {
    payoutSettings: {
      method: 'GET',
      async run(user, req, res) {
        const me = await agentForPage(deps, user, req, res, TITLE);
        if (!me) return;
        const notice = req.query.done === 'saved' ? pages.helpers(req).t('payout_method.saved') : null;
        await show(me.agent, me.program, req, res, notice);
      },
    },

    savePayoutMethod: {
      method: 'POST',
      async run(user, req, res) {
        const { agent, program } = await agentForForm(deps, user);
        await submitClientForm(
          req,
          res,
          'savePayoutMethod',
          async (values) => {
            await methods.save(agent.id, values, { userId: user.user_id, ip: req.ip ?? '' });
            return `${PAGE}&done=saved`;
          },
          (rq, rs, refused) => show(agent, program, rq, rs, null, refused),
        );
      },
    },
  };
}
