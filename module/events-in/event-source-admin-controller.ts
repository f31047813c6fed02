import type { Request, Response } from 'express';
import { z } from 'zod';
import type { HostAdmin, HostApi } from '../contract/host-api';
import type { Logger } from '../core/logger';
import { RuleError } from '../core/errors';
import type { Actions } from '../http/action';
import { fieldErrors, formValues, idField, textField, type FieldErrors } from '../http/forms';
import type { Pages } from '../http/pages';
import { ADMIN_AREA, adminAction } from '../http/paths';
import type { EventSourceService, SigningSource } from './event-source-service';
import { EVENTS_PATH } from './events-router';

export interface EventSourceAdminDeps {
  pages: Pages;
  logger: Logger;
  host: Pick<HostApi, 'siteUrl'>;
  sources: Pick<EventSourceService, 'list' | 'create' | 'revoke'>;
}

interface Shown {
  created?: SigningSource;
  notice?: string;
  errors?: FieldErrors;
  values?: Record<string, string>;
  status?: number;
}

const sourceName = z.object({ name: textField(64).regex(/^[\w .-]+$/, 'adminarea.error.name_chars') });

/**
 * The admin's page of event sources: create one (its secret shown on the answer to that POST and
 * never again, so the page is not stored by the browser), revoke one.
 */
export function eventSourceAdminActions(deps: EventSourceAdminDeps): Actions<HostAdmin> {
  const { pages, logger, sources } = deps;
  const show = async (req: Request, res: Response, shown: Shown = {}) => {
    const h = pages.helpers(req);
    const data = { h, action: adminAction, eventsUrl: deps.host.siteUrl() + EVENTS_PATH, sources: await sources.list(), created: shown.created ?? null };
    const html = await pages.render('admin/event-sources', {
      ...data,
      notice: shown.notice ?? null, // Messages are lang keys (ours) or texts as given (the shared field checks'): t shows either.
      errors: Object.fromEntries(Object.entries(shown.errors ?? {}).map(([field, message]) => [field, h.t(message)])),
      values: shown.values ?? {},
    });
    if (shown.created) res.set('Cache-Control', 'no-store');
    const title = h.t('events.admin.title');
    pages.send(req, res, { area: 'admin', title, breadcrumb: [{ label: h.t('adminarea.crumb.module'), href: ADMIN_AREA }, { label: title }], html, status: shown.status });
  };
  return {
    eventSources: { method: 'GET', run: (_admin, req, res) => show(req, res, { notice: req.query.done === 'revoked' ? pages.helpers(req).t('events.admin.revoked_notice') : undefined }) },
    createEventSource: {
      method: 'POST',
      async run(admin, req, res) {
        const values = formValues(req.body);
        const parsed = sourceName.safeParse(values);
        if (!parsed.success) return show(req, res, { errors: fieldErrors(parsed.error, pages.helpers(req).t), values, status: 422 });
        try {
          const created = await sources.create(parsed.data.name);
          logger.info('admin action', { admin: admin.username, form: 'createEventSource', source: created.name });
          return await show(req, res, { created });
        } catch (e) {
          if (e instanceof RuleError) return show(req, res, { errors: { [e.field ?? 'name']: e.text(pages.helpers(req).t) }, values, status: 422 });
          throw e;
        }
      },
    },
    revokeEventSource: {
      method: 'POST',
      async run(admin, req, res) {
        const id = idField.safeParse(formValues(req.body).id);
        if (!id.success) return show(req, res, { errors: { name: 'adminarea.error.no_source' }, status: 422 });
        await sources.revoke(id.data);
        logger.info('admin action', { admin: admin.username, form: 'revokeEventSource', source: id.data });
        res.redirect(303, `${adminAction('eventSources')}&done=revoked`);
      },
    },
  };
}
