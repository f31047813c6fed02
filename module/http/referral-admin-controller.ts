import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Core } from '../agenttools';
import type { HostAdmin } from '../contract/host-api';
import { RuleError } from '../core/errors';
import { referralDetails } from '../reports/referral-details';
import type { Action } from './router';
import { formValues, idField as id, optionalField, textField, type FieldErrors } from './forms';
import { adminForm, type RefusedForm } from './admin-form';
import { render, viewHelpers } from './render';
import { ADMIN_AREA, adminAction } from './paths';

const reason = textField(255, 'give a reason');
const noneOr = optionalField(id);

const forms = {
  clientAgent: z.object({ client_id: id, agent_id: id, reason }),
  orderAgent: z.object({ client_id: id, order_id: id, agent_id: noneOr, reason }),
};
type FormName = keyof typeof forms;

interface State {
  form?: FormName;
  errors?: FieldErrors;
  values?: Record<string, string>;
  status?: number;
}

const NOTICES: Record<string, string> = {
  client: "The client's agent was set.",
  order: "The order's agent was set; commissions still on hold were made anew.",
};

/** How a client was attributed, what won, the history, and the forms that override it. */
async function showClient(core: Core, req: Request, res: Response, clientId: number, state: State = {}): Promise<void> {
  const client = await core.host.getClient(clientId);
  if (!client) throw new RuleError(`there is no client #${clientId}`);
  const h = viewHelpers(core.language, core.host.http.csrfToken(req));
  const details = await referralDetails(core.db, clientId);
  const agent = details.referral ? await core.agents.get(details.referral.agentId) : null;
  const program = agent ? await core.programs.get(agent.programId) : null;
  const html = await render('admin/client-referral', {
    h,
    client,
    ...details,
    zone: program?.timezone ?? 'UTC',
    overrides: await core.orderOverrides.forClient(clientId),
    notice: typeof req.query.done === 'string' ? (NOTICES[req.query.done] ?? null) : null,
    form: state.form ?? null,
    errors: state.errors ?? {},
    values: state.values ?? {},
    action: adminAction,
  });
  core.host.http.sendPage(req, res, {
    area: 'admin',
    title: `Client #${clientId}: referral`,
    breadcrumb: [{ label: 'Addons' }, { label: 'Agent Tools', href: ADMIN_AREA }, { label: `Client #${clientId}` }],
    html,
    status: state.status,
  });
}

/** Shows the client's page again with a refused form; the form names the client. */
async function redisplay(core: Core, req: Request, res: Response, refused: RefusedForm): Promise<void> {
  await showClient(core, req, res, Number(refused.values.client_id), { form: refused.form as FormName, errors: refused.errors, values: refused.values, status: refused.status });
}

/** A form on the client's page; success goes back to it with a notice (`done`). */
function clientForm<K extends FormName>(form: K, done: string, act: (core: Core, admin: HostAdmin, input: z.output<(typeof forms)[K]>) => Promise<void>): Action<HostAdmin> {
  const action = adminForm(form, forms[form], redisplay, async (core, admin, input) => {
    const v = input as z.output<(typeof forms)[K]>;
    await act(core, admin, v);
    return `${adminAction('client')}&id=${v.client_id}&done=${done}`;
  });
  return {
    ...action,
    async run(core, admin, req, res) {
      // Checked before anything else: an assignment of a client who does not exist would stand,
      // and a refused form has a client's page to show again.
      const clientId = id.safeParse(formValues(req.body).client_id);
      if (!clientId.success || !(await core.host.getClient(clientId.data))) throw new RuleError('no such client');
      await action.run(core, admin, req, res);
    },
  };
}

export const referralAdminActions: Record<string, Action<HostAdmin>> = {
  client: {
    method: 'GET',
    async run(core, _admin, req, res) {
      const clientId = id.safeParse(req.query.id);
      if (!clientId.success) throw new RuleError('no such client');
      await showClient(core, req, res, clientId.data);
    },
  },

  setClientAgent: clientForm('clientAgent', 'client', async (core, admin, v) => {
    await core.attribution.assign(v.client_id, v.agent_id, admin.username, v.reason);
  }),

  setOrderAgent: clientForm('orderAgent', 'order', async (core, admin, v) => {
    // The page is the client's: an order of another client's is not one to change from it.
    const order = await core.host.getOrder(v.order_id);
    if (!order || order.client_id !== v.client_id) throw new RuleError(`client #${v.client_id} has no order #${v.order_id}`, 'order_id');
    await core.orderOverrides.set(v.order_id, v.agent_id, admin.username, v.reason);
  }),
};
