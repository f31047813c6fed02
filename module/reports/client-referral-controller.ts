import type { Request, Response } from 'express';
import { z } from 'zod';
import type { HostAdmin, HostApi } from '../contract/host-api';
import type { Logger } from '../core/logger';
import { RuleError } from '../core/errors';
import type { ProgramService } from '../programs/program-service';
import type { AgentService } from '../agents/agent-service';
import type { OrderOverrideService } from '../commissions/order-override-service';
import type { ReportService } from './report-service';
import type { Action, Actions } from '../http/action';
import { adminForm, type RefusedForm } from '../http/form-action';
import { formValues, idField as id, optionalField, textField, type FieldErrors } from '../http/forms';
import type { Pages } from '../http/pages';
import { adminAction } from '../http/paths';
import type { AssignmentService } from '../attribution/assignment-service';
import { adminCrumbs, fullName, PICKER_SCRIPT_PATH, type PeopleService } from '../admin-area';

const reason = textField(255, 'errors.reason_required');
const noneOr = optionalField(id);

const forms = {
  clientAgent: z.object({ client_id: id, agent_id: id, reason }),
  orderAgent: z.object({ client_id: id, order_id: id, agent_id: noneOr, reason }),
};

interface State {
  form?: string;
  errors?: FieldErrors;
  values?: Record<string, string>;
  status?: number;
}

/** The notice after each form, by `done`: lang keys, shown in the admin's language. */
const NOTICES: Record<string, string> = {
  client: 'adminarea.done.clientAgent',
  order: 'adminarea.done.orderAgent',
};

export interface ClientReferralDeps {
  pages: Pages;
  logger: Logger;
  host: Pick<HostApi, 'getClient' | 'getOrder'>;
  agents: Pick<AgentService, 'get'>;
  programs: Pick<ProgramService, 'get'>;
  assignments: Pick<AssignmentService, 'assign'>;
  orderOverrides: Pick<OrderOverrideService, 'forClient' | 'set'>;
  reports: Pick<ReportService, 'referralDetails'>;
  /** Names the agents on the page (the admin reads people by name, the id only as a detail). */
  people: Pick<PeopleService, 'agents'>;
}

/** A client's referral page: how they were attributed, what won, the history, and the forms that override it. */
export function clientReferralActions(deps: ClientReferralDeps): Actions<HostAdmin> {
  const { pages, host } = deps;

  async function showClient(req: Request, res: Response, clientId: number, state: State = {}): Promise<void> {
    const client = await host.getClient(clientId);
    if (!client) throw new RuleError('adminarea.error.no_client_id', undefined, { id: clientId });
    const details = await deps.reports.referralDetails(clientId);
    const agent = details.referral ? await deps.agents.get(details.referral.agentId) : null;
    const program = agent ? await deps.programs.get(agent.programId) : null;
    const overrides = await deps.orderOverrides.forClient(clientId);
    const h = pages.helpers(req);
    const ids = [details.referral?.agentId, ...overrides.map((o) => o.agentId), ...details.log.flatMap((l) => [l.fromAgentId, l.toAgentId])];
    const named = await deps.people.agents(ids.filter((id): id is number => typeof id === 'number'));
    const agentName = (id: number) => {
      const a = named.get(id);
      return a?.client ? fullName(a.client) : h.t('adminarea.person.agent_id', { id });
    };
    const noticeKey = typeof req.query.done === 'string' ? NOTICES[req.query.done] : undefined;
    const html = await pages.render('admin/client-referral', {
      h,
      pickerScript: PICKER_SCRIPT_PATH,
      agentName,
      client,
      ...details,
      zone: program?.timezone ?? 'UTC',
      overrides,
      notice: noticeKey ? h.t(noticeKey) : null,
      form: state.form ?? null,
      // Messages are lang keys (this module's field checks) or texts already written out: t shows either.
      errors: Object.fromEntries(Object.entries(state.errors ?? {}).map(([field, message]) => [field, h.t(message)])),
      values: state.values ?? {},
      action: adminAction,
    });
    pages.send(req, res, {
      area: 'admin',
      title: h.t('adminarea.page.client', { id: clientId }),
      breadcrumb: adminCrumbs(h.t, { label: h.t('adminarea.crumb.client', { id: clientId }) }),
      html,
      status: state.status,
    });
  }

  /** The client's page again with a refused form; the form names the client. */
  const redisplay = (req: Request, res: Response, refused: RefusedForm) => showClient(req, res, Number(refused.values.client_id), refused);

  /** A form on the client's page; success goes back to it with a notice (`done`). */
  function clientForm<S extends z.ZodType<{ client_id: number }>>(form: string, schema: S, done: string, act: (admin: HostAdmin, input: z.output<S>) => Promise<void>): Action<HostAdmin> {
    const action = adminForm(deps.logger, form, schema, redisplay, async (admin, input) => {
      await act(admin, input);
      return `${adminAction('client')}&id=${input.client_id}&done=${done}`;
    });
    return {
      ...action,
      async run(admin, req, res) {
        // Checked before anything else: an assignment of a client who does not exist would stand,
        // and a refused form has a client's page to show again.
        const clientId = id.safeParse(formValues(req.body).client_id);
        if (!clientId.success || !(await host.getClient(clientId.data))) throw new RuleError('adminarea.error.no_client');
        await action.run(admin, req, res);
      },
    };
  }

  return {
    client: {
      method: 'GET',
      async run(_admin, req, res) {
        const clientId = id.safeParse(req.query.id);
        if (!clientId.success) throw new RuleError('adminarea.error.no_client');
        await showClient(req, res, clientId.data);
      },
    },

    setClientAgent: clientForm('clientAgent', forms.clientAgent, 'client', async (admin, v) => {
      await deps.assignments.assign(v.client_id, v.agent_id, admin.username, v.reason);
    }),

    setOrderAgent: clientForm('orderAgent', forms.orderAgent, 'order', async (admin, v) => {
      // The page is the client's: an order of another client's is not one to change from it.
      const order = await host.getOrder(v.order_id);
      if (!order || order.client_id !== v.client_id) throw new RuleError('adminarea.error.not_client_order', 'order_id', { client: v.client_id, order: v.order_id });
      await deps.orderOverrides.set(v.order_id, v.agent_id, admin.username, v.reason);
    }),
  };
}
