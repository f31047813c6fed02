import type { Request, Response } from 'express';
import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import type { Logger } from '../core/logger';
import { OUTBOX_EVENTS } from '../core/outbox';
import { RuleError } from '../core/errors';
import type { Actions } from '../http/action';
import { fieldErrors, formValues, idField, textField, type FieldErrors } from '../http/forms';
import type { Pages } from '../http/pages';
import { ADMIN_AREA, adminAction } from '../http/paths';
import type { WebhookEndpointService } from './endpoint-service';
import type { WebhookDeliveryLog } from './delivery-log';

export interface WebhookAdminDeps {
  pages: Pages;
  logger: Logger;
  endpoints: Pick<WebhookEndpointService, 'list' | 'create' | 'disable'>;
  deliveries: Pick<WebhookDeliveryLog, 'latest' | 'replay'>;
}

/** An event's checkbox: its name with `_` for `.`, since a form field that repeats is not read. */
export const eventField = (event: string): string => event.replace('.', '_');

const endpointForm = z.object({
  url: textField(500),
  description: z.string().trim().max(200, 'adminarea.error.at_most_200').default(''),
});

interface Shown {
  created?: { secret: string };
  notice?: string;
  errors?: FieldErrors;
  values?: Record<string, string>;
  status?: number;
}

/**
 * The admin's webhook endpoints (add one, its secret shown on the answer to that POST and never
 * again; disable one) and the delivery log with a replay button.
 */
export function webhookAdminActions(deps: WebhookAdminDeps): Actions<HostAdmin> {
  const { pages, logger, endpoints, deliveries } = deps;
  const render = async (req: Request, res: Response, view: string, titleKey: string, data: Record<string, unknown>, shown: Shown) => {
    const h = pages.helpers(req);
    const html = await pages.render(view, {
      h,
      action: adminAction,
      ...data,
      notice: shown.notice ?? null,
      errors: Object.fromEntries(Object.entries(shown.errors ?? {}).map(([field, message]) => [field, h.t(message)])),
      values: shown.values ?? {},
    });
    if (shown.created) res.set('Cache-Control', 'no-store');
    const title = h.t(titleKey);
    pages.send(req, res, { area: 'admin', title, breadcrumb: [{ label: h.t('adminarea.crumb.module'), href: ADMIN_AREA }, { label: title }], html, status: shown.status });
  };
  const show = async (req: Request, res: Response, shown: Shown = {}) =>
    render(req, res, 'admin/webhooks', 'webhooks.admin.title', { endpoints: await endpoints.list(), events: OUTBOX_EVENTS, eventField, created: shown.created ?? null }, shown);
  const showLog = async (req: Request, res: Response, shown: Shown = {}) => render(req, res, 'admin/webhook-deliveries', 'webhooks.log.title', { deliveries: await deliveries.latest() }, shown);
  const notice = (req: Request, done: string, key: string) => (req.query.done === done ? pages.helpers(req).t(key) : undefined);

  return {
    webhooks: { method: 'GET', run: (_admin, req, res) => show(req, res, { notice: notice(req, 'disabled', 'webhooks.admin.disabled_notice') }) },
    createWebhook: {
      method: 'POST',
      async run(admin, req, res) {
        const values = formValues(req.body);
        const parsed = endpointForm.safeParse(values);
        if (!parsed.success) return show(req, res, { errors: fieldErrors(parsed.error, pages.helpers(req).t), values, status: 422 });
        try {
          const picked = OUTBOX_EVENTS.filter((e) => values[eventField(e)] !== undefined);
          const created = await endpoints.create({ ...parsed.data, events: picked });
          logger.info('admin action', { admin: admin.username, form: 'createWebhook', endpoint: created.id });
          return await show(req, res, { created });
        } catch (e) {
          if (e instanceof RuleError) return show(req, res, { errors: { [e.field ?? 'url']: e.text(pages.helpers(req).t) }, values, status: 422 });
          throw e;
        }
      },
    },
    disableWebhook: {
      method: 'POST',
      async run(admin, req, res) {
        const id = idField.safeParse(formValues(req.body).id);
        try {
          if (!id.success) throw new RuleError('adminarea.error.no_endpoint', 'id');
          await endpoints.disable(id.data);
        } catch (e) {
          if (e instanceof RuleError) return show(req, res, { errors: { id: e.text(pages.helpers(req).t) }, status: 422 });
          throw e;
        }
        logger.info('admin action', { admin: admin.username, form: 'disableWebhook', endpoint: id.data });
        res.redirect(303, `${adminAction('webhooks')}&done=disabled`);
      },
    },
    webhookDeliveries: { method: 'GET', run: (_admin, req, res) => showLog(req, res, { notice: notice(req, 'replayed', 'webhooks.log.replayed_notice') }) },
    replayWebhook: {
      method: 'POST',
      async run(admin, req, res) {
        const id = idField.safeParse(formValues(req.body).delivery_id);
        try {
          if (!id.success) throw new RuleError('adminarea.error.no_delivery', 'delivery_id');
          await deliveries.replay(id.data);
        } catch (e) {
          if (e instanceof RuleError) return showLog(req, res, { errors: { delivery_id: e.text(pages.helpers(req).t) }, status: 422 });
          throw e;
        }
        logger.info('admin action', { admin: admin.username, form: 'replayWebhook', delivery: id.data });
        res.redirect(303, `${adminAction('webhookDeliveries')}&done=replayed`);
      },
    },
  };
}
