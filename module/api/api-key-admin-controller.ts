import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { HostAdmin, HostApi } from '../contract/host-api';
import type { Logger } from '../core/logger';
import { RuleError } from '../core/errors';
import type { Actions } from '../http/action';
import { fieldErrors, formValues, idField, optionalField, textField, type FieldErrors } from '../http/forms';
import type { Pages } from '../http/pages';
import { ADMIN_AREA, adminAction } from '../http/paths';
import type { ApiKeyService, CreatedApiKey } from './api-key-service';
import { API_BASE, OPENAPI_PATH } from './api-router';
import { API_SCOPES } from './scopes';

export interface ApiKeyAdminDeps {
  pages: Pages;
  logger: Logger;
  host: Pick<HostApi, 'siteUrl'>;
  keys: Pick<ApiKeyService, 'list' | 'create' | 'revoke'>;
}

interface Shown {
  created?: CreatedApiKey;
  notice?: string;
  errors?: FieldErrors;
  values?: Record<string, string>;
  scopes?: string[];
  status?: number;
}

const keyForm = z.object({
  name: textField(64).regex(/^[\w .-]+$/, 'adminarea.error.name_chars'),
  expires: optionalField(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'adminarea.error.date_format')),
});

/** The ticked scopes: a form sends one value, several, or none. */
const tickedScopes = z.union([z.string(), z.array(z.string())]).optional();

/**
 * The admin's page of API keys: create one with its scopes and an optional expiry (the key shown
 * on the answer to that POST and never again, so the page is not stored by the browser), revoke one.
 */
export function apiKeyAdminActions(deps: ApiKeyAdminDeps): Actions<HostAdmin> {
  const { pages, logger, keys } = deps;
  const show = async (req: Request, res: Response, shown: Shown = {}) => {
    const h = pages.helpers(req);
    const site = deps.host.siteUrl();
    const data = { h, action: adminAction, apiUrl: site + API_BASE, openapiUrl: site + OPENAPI_PATH, scopes: API_SCOPES, keys: await keys.list() };
    const html = await pages.render('admin/api-keys', {
      ...data,
      created: shown.created ?? null,
      notice: shown.notice ?? null,
      // Messages are lang keys (ours) or texts as given (the shared field checks'): t shows either.
      errors: Object.fromEntries(Object.entries(shown.errors ?? {}).map(([field, message]) => [field, h.t(message)])),
      values: shown.values ?? {},
      ticked: shown.scopes ?? [],
    });
    if (shown.created) res.set('Cache-Control', 'no-store');
    const title = h.t('api.admin.title');
    pages.send(req, res, { area: 'admin', title, breadcrumb: [{ label: h.t('adminarea.crumb.module'), href: ADMIN_AREA }, { label: title }], html, status: shown.status });
  };
  return {
    apiKeys: { method: 'GET', run: (_admin, req, res) => show(req, res, { notice: req.query.done === 'revoked' ? pages.helpers(req).t('api.admin.revoked_notice') : undefined }) },
    createApiKey: {
      method: 'POST',
      async run(admin, req, res) {
        const values = formValues(req.body);
        const body: unknown = req.body;
        const raw = tickedScopes.safeParse(typeof body === 'object' && body !== null && 'scopes' in body ? body.scopes : undefined);
        const scopes = !raw.success || raw.data === undefined ? [] : typeof raw.data === 'string' ? [raw.data] : raw.data;
        const parsed = keyForm.safeParse(values);
        if (!parsed.success) return show(req, res, { errors: fieldErrors(parsed.error, pages.helpers(req).t), values, scopes, status: 422 });
        // The key works through the whole day named, in UTC: it expires at the start of the next.
        const expiresAt = parsed.data.expires === null ? null : DateTime.fromISO(parsed.data.expires, { zone: 'utc' }).plus({ days: 1 }).toMillis();
        if (expiresAt !== null && !Number.isFinite(expiresAt)) return show(req, res, { errors: { expires: 'adminarea.error.date_format' }, values, scopes, status: 422 });
        try {
          const created = await keys.create(parsed.data.name, scopes, expiresAt, admin.id);
          logger.info('admin action', { admin: admin.username, form: 'createApiKey', key: created.id, scopes: created.scopes.join(' ') });
          return await show(req, res, { created });
        } catch (e) {
          if (e instanceof RuleError) return show(req, res, { errors: { [e.field ?? 'name']: e.text(pages.helpers(req).t) }, values, scopes, status: 422 });
          throw e;
        }
      },
    },
    revokeApiKey: {
      method: 'POST',
      async run(admin, req, res) {
        const id = idField.safeParse(formValues(req.body).id);
        if (!id.success) return show(req, res, { errors: { name: 'adminarea.error.no_key' }, status: 422 });
        await keys.revoke(id.data);
        logger.info('admin action', { admin: admin.username, form: 'revokeApiKey', key: id.data });
        res.redirect(303, `${adminAction('apiKeys')}&done=revoked`);
      },
    },
  };
}
