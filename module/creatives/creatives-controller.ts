import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Core } from '../agenttools';
import type { HostAdmin, HostUser } from '../contract/host-api';
import { RuleError } from '../core/errors';
import type { Action } from '../http/router';
import { idField, type FieldErrors } from '../http/forms';
import { adminForm, type RefusedForm } from '../http/admin-form';
import { render, viewHelpers } from '../http/render';
import { ADMIN_AREA, CLIENT_AREA, adminAction, clientAction } from '../http/paths';
import { sourceStats } from '../reports/source-stats';
import { DEFAULT_SOURCE } from '../tracking/source';
import { imageCreativeForm, textCreativeForm } from './creative-input';
import { COPY_SCRIPT_PATH, creativeImagePath } from './creative-paths';
import { embedCode, embedSource } from './embed-code';
import { MAX_IMAGE_BYTES } from './image-check';

const ADMIN_PAGE = adminAction('creatives');
const ASSETS_PAGE = clientAction('assets');
const DONE = ['uploaded', 'text', 'archived'];

interface AdminState {
  errors?: Record<string, FieldErrors>;
  values?: Record<string, Record<string, string>>;
  status?: number;
}

async function showAdminPage(core: Core, req: Request, res: Response, state: AdminState = {}): Promise<void> {
  const h = viewHelpers(core.language, core.host.http.csrfToken(req));
  const done = typeof req.query.done === 'string' && DONE.includes(req.query.done) ? h.t(`creatives.admin.done.${req.query.done}`) : null;
  const html = await render('admin/creatives', {
    h,
    creatives: await core.creatives.list(),
    imagePath: creativeImagePath,
    maxMiB: MAX_IMAGE_BYTES / (1024 * 1024),
    action: adminAction,
    notice: done,
    errors: state.errors ?? {},
    values: state.values ?? {},
  });
  const title = h.t('creatives.admin.title');
  core.host.http.sendPage(req, res, { area: 'admin', title, breadcrumb: [{ label: 'Addons' }, { label: 'Agent Tools', href: ADMIN_AREA }, { label: title }], html, status: state.status });
}

/** A creatives form; refused, the page again with the message beside the field; done, back with a notice. */
function creativeForm<S extends z.ZodType>(form: string, schema: S, act: (core: Core, admin: HostAdmin, input: z.output<S>, req: Request) => Promise<string>): Action<HostAdmin> {
  const redisplay = (core: Core, req: Request, res: Response, r: RefusedForm) => showAdminPage(core, req, res, { errors: { [form]: r.errors }, values: { [form]: r.values }, status: r.status });
  return adminForm(form, schema, redisplay, async (core, admin, input, req) => `${ADMIN_PAGE}&done=${await act(core, admin, input, req)}`);
}

/** The admin's creatives page: every state change is a POST, and the dispatcher checks its CSRF token. */
export const creativeAdminActions: Record<string, Action<HostAdmin>> = {
  creatives: { method: 'GET', run: (core, _admin, req, res) => showAdminPage(core, req, res) },

  uploadCreative: creativeForm('image', imageCreativeForm, async (core, admin, input, req) => {
    await core.creatives.createImage(input, core.host.http.uploadedFile(req, 'image'), admin.username);
    return 'uploaded';
  }),

  addTextCreative: creativeForm('text', textCreativeForm, async (core, admin, input) => {
    await core.creatives.createText(input, admin.username);
    return 'text';
  }),

  archiveCreative: creativeForm('archive', z.object({ creative_id: idField }), async (core, _admin, input) => {
    await core.creatives.archive(input.creative_id);
    return 'archived';
  }),
};

/**
 * The agent's Assets page: each active creative with the code to paste, carrying the agent's link
 * and the source they chose. Not open to an agent signed in as a client (no asClient): the codes
 * are the agent's own.
 */
export const creativeClientActions: Record<string, Action<HostUser>> = {
  assets: {
    method: 'GET',
    async run(core, user, req, res) {
      const h = viewHelpers(core.language, core.host.http.csrfToken(req));
      const title = h.t('creatives.assets.title');
      const page = (html: string, status?: number) =>
        core.host.http.sendPage(req, res, { area: 'client', title, breadcrumb: [{ label: h.t('affiliate.title'), href: CLIENT_AREA }, { label: title, href: ASSETS_PAGE }], html, status });
      const agent = await core.agents.byClient(user.client_id);
      if (!agent) return page(await render('client/not-agent', { h }));
      const asked = typeof req.query.src === 'string' ? req.query.src : '';
      let source: string | null = null;
      let sourceError: string | null = null;
      try {
        source = embedSource(asked);
      } catch (e) {
        if (!(e instanceof RuleError)) throw e;
        sourceError = h.t('creatives.assets.bad_source');
      }
      const site = core.host.siteUrl();
      const creatives = (await core.creatives.listActive()).map((c) => ({ ...c, code: embedCode(site, agent.id, c, source) }));
      const html = await render('client/assets', {
        h,
        creatives,
        imagePath: creativeImagePath,
        copyScript: COPY_SCRIPT_PATH,
        sources: (await sourceStats(core.db, agent.id)).map((s) => s.source).filter((s) => s !== DEFAULT_SOURCE),
        asked: sourceError ? asked : (source ?? ''),
        sourceError,
      });
      page(html, sourceError ? 422 : undefined);
    },
  },
};
