import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Core } from '../agenttools';
import type { HostAdmin } from '../contract/host-api';
import { RuleError } from '../core/errors';
import { programForm } from '../programs/program-service';
import { verifyLedger } from '../ledger/verify';
import type { Action } from './router';
import { fieldErrors, formValues, type FieldErrors } from './forms';
import { render, viewHelpers } from './render';
import { ADMIN_AREA, adminAction } from './paths';

interface AdminState {
  errors?: Record<string, FieldErrors>;
  values?: Record<string, Record<string, string>>;
  status?: number;
}

const NOTICES: Record<string, string> = {
  activated: 'The client is now an agent.',
  status: 'The agent status was changed.',
  paid: 'The withdrawal is marked paid.',
  program: 'The program was saved. New commissions use the new terms.',
};

async function showAdmin(core: Core, req: Request, res: Response, state: AdminState = {}): Promise<void> {
  const h = viewHelpers(core.language, core.host.http.csrfToken(req));
  const program = await core.programs.bySlug('default');
  const agents = await core.agents.list();
  const rows = [];
  for (const agent of agents) {
    const p = await core.programs.get(agent.programId);
    const client = await core.host.getClient(agent.clientId);
    rows.push({ agent, program: p, client, balances: p ? await core.ledger.balances(agent.id, p.currency) : null });
  }
  const requested = await core.withdrawals.listRequested();
  const verify = req.query.verify === '1' ? await verifyLedger(core.db) : null;
  const notice = typeof req.query.done === 'string' ? (NOTICES[req.query.done] ?? null) : null;
  const html = await render('admin/index', {
    h,
    program,
    rows,
    requested,
    verify,
    notice,
    errors: state.errors ?? {},
    values: state.values ?? {},
    prefillClient: typeof req.query.client_id === 'string' ? req.query.client_id : '',
    action: adminAction,
    base: ADMIN_AREA,
  });
  core.host.http.sendPage(req, res, { area: 'admin', title: 'Agent Tools', breadcrumb: [{ label: 'Addons' }, { label: 'Agent Tools', href: ADMIN_AREA }], html, status: state.status });
}

const idField = z.coerce.number({ message: 'a number' }).int('a whole number').positive('a positive number');
const activateForm = z.object({ client_id: idField });
const statusForm = z.object({ agent_id: idField, status: z.enum(['active', 'blocked'], { message: 'active or blocked' }) });
const paidForm = z.object({ withdrawal_id: idField });

/** Runs a form's action; bad input re-renders the page with a message beside the field. */
function formAction<S extends z.ZodType>(form: string, schema: S, act: (core: Core, admin: HostAdmin, input: z.output<S>) => Promise<string>): Action<HostAdmin> {
  return {
    method: 'POST',
    async run(core, admin, req, res) {
      const values = formValues(req.body);
      const parsed = schema.safeParse(values);
      const fail = (errors: FieldErrors) => showAdmin(core, req, res, { errors: { [form]: errors }, values: { [form]: values }, status: 422 });
      if (!parsed.success) return fail(fieldErrors(parsed.error));
      try {
        const done = await act(core, admin, parsed.data);
        core.logger.info('admin action', { admin: admin.username, form });
        res.redirect(303, `${ADMIN_AREA}&done=${done}`);
      } catch (e) {
        if (e instanceof RuleError) return fail({ [e.field ?? '_form']: e.message });
        throw e;
      }
    },
  };
}

export const adminActions: Record<string, Action<HostAdmin>> = {
  index: { method: 'GET', run: (core, _admin, req, res) => showAdmin(core, req, res) },

  activateAgent: formAction('activate', activateForm, async (core, _admin, input) => {
    const program = await core.programs.bySlug('default');
    if (!program) throw new Error('default program missing: activate the module');
    await core.agents.activateForClient(input.client_id, program.id);
    return 'activated';
  }),

  setAgentStatus: formAction('status', statusForm, async (core, _admin, input) => {
    await core.agents.setStatus(input.agent_id, input.status);
    return 'status';
  }),

  markPaid: formAction('paid', paidForm, async (core, admin, input) => {
    await core.withdrawals.markPaid(input.withdrawal_id, admin.id);
    return 'paid';
  }),

  saveProgram: formAction('program', programForm, async (core, _admin, input) => {
    const program = await core.programs.bySlug('default');
    if (!program) throw new Error('default program missing: activate the module');
    await core.programs.update(program.id, input);
    core.linkCache.invalidate();
    return 'program';
  }),
};
