import type { Request, Response } from 'express';
import { z } from 'zod';
import type { HostAdmin, HostApi, HostHttp, HostUser } from '../contract/host-api';
import type { Logger } from '../core/logger';
import { RuleError } from '../core/errors';
import type { AgentService } from '../agents/agent-service';
import type { ReportService } from '../reports/report-service';
import { DEFAULT_SOURCE } from '../tracking';
import type { Action, Actions } from '../http/action';
import { adminForm, type RefusedForm } from '../http/form-action';
import { idField, type FieldErrors } from '../http/forms';
import type { Pages } from '../http/pages';
import { CLIENT_AREA, adminAction, clientAction } from '../http/paths';
import { imageCreativeForm, textCreativeForm } from './creative-input';
import { COPY_SCRIPT_PATH, creativeImagePath } from './creative-paths';
import type { CreativeService } from './creative-service';
import { embedCode, embedSource } from './embed-code';
import { MAX_IMAGE_BYTES } from './image-check';
import { adminCrumbs } from '../admin-area';

const ADMIN_PAGE = adminAction('creatives');
const ASSETS_PAGE = clientAction('assets');
const DONE = ['uploaded', 'text', 'archived'];

export interface CreativesControllerDeps {
  pages: Pages;
  logger: Logger;
  host: Pick<HostApi, 'siteUrl'> & { http: Pick<HostHttp, 'uploadedFile'> };
  agents: Pick<AgentService, 'byClient'>;
  creatives: Pick<CreativeService, 'list' | 'listActive' | 'createImage' | 'createText' | 'archive'>;
  reports: Pick<ReportService, 'sources'>;
}

/**
 * Banners and text links. The admin's creatives page (every state change a POST, its CSRF token
 * checked by the dispatcher), and the agent's Assets page: each active creative with the code to
 * paste, carrying the agent's link and the source they chose. Assets is not open to an agent
 * signed in as a client (no asClient): the codes are the agent's own.
 */
export function creativeActions({ pages, logger, host, agents, creatives, reports }: CreativesControllerDeps): { client: Actions<HostUser>; admin: Actions<HostAdmin> } {
  async function showAdminPage(req: Request, res: Response, state: { errors?: Record<string, FieldErrors>; values?: Record<string, Record<string, string>>; status?: number } = {}): Promise<void> {
    const h = pages.helpers(req);
    const done = typeof req.query.done === 'string' && DONE.includes(req.query.done) ? h.t(`creatives.admin.done.${req.query.done}`) : null;
    const html = await pages.render('admin/creatives', {
      h,
      creatives: await creatives.list(),
      imagePath: creativeImagePath,
      maxMiB: MAX_IMAGE_BYTES / (1024 * 1024),
      action: adminAction,
      notice: done,
      // Each form's messages are lang keys (or texts already written out): t shows either in the admin's language.
      errors: Object.fromEntries(Object.entries(state.errors ?? {}).map(([form, errors]) => [form, Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, h.t(message)]))])),
      values: state.values ?? {},
    });
    const title = h.t('creatives.admin.title');
    pages.send(req, res, {
      area: 'admin',
      title,
      breadcrumb: adminCrumbs(h.t, { label: title }),
      html,
      status: state.status,
    });
  }

  /** A creatives form; refused, the page again with the message beside the field; done, back with a notice. */
  function creativeForm<S extends z.ZodType>(form: string, schema: S, act: (admin: HostAdmin, input: z.output<S>, req: Request) => Promise<string>): Action<HostAdmin> {
    const redisplay = (req: Request, res: Response, r: RefusedForm) => showAdminPage(req, res, { errors: { [form]: r.errors }, values: { [form]: r.values }, status: r.status });
    return adminForm(logger, form, schema, redisplay, async (admin, input, req) => `${ADMIN_PAGE}&done=${await act(admin, input, req)}`);
  }

  const admin: Actions<HostAdmin> = {
    creatives: { method: 'GET', run: (_admin, req, res) => showAdminPage(req, res) },

    uploadCreative: creativeForm('image', imageCreativeForm, async (a, input, req) => {
      await creatives.createImage(input, host.http.uploadedFile(req, 'image'), a.username);
      return 'uploaded';
    }),

    addTextCreative: creativeForm('text', textCreativeForm, async (a, input) => {
      await creatives.createText(input, a.username);
      return 'text';
    }),

    archiveCreative: creativeForm('archive', z.object({ creative_id: idField }), async (_a, input) => {
      await creatives.archive(input.creative_id);
      return 'archived';
    }),
  };

  const client: Actions<HostUser> = {
    assets: {
      method: 'GET',
      async run(user, req, res) {
        const h = pages.helpers(req);
        const title = h.t('creatives.assets.title');
        const page = (html: string, status?: number) =>
          pages.send(req, res, {
            area: 'client',
            title,
            breadcrumb: [
              { label: h.t('affiliate.title'), href: CLIENT_AREA },
              { label: title, href: ASSETS_PAGE },
            ],
            html,
            status,
          });
        const agent = await agents.byClient(user.client_id);
        if (!agent) return page(await pages.render('client/not-agent', { h }));
        const asked = typeof req.query.src === 'string' ? req.query.src : '';
        let source: string | null = null;
        let sourceError: string | null = null;
        try {
          source = embedSource(asked);
        } catch (e) {
          if (!(e instanceof RuleError)) throw e;
          sourceError = h.t('creatives.assets.bad_source');
        }
        const site = host.siteUrl();
        const list = (await creatives.listActive()).map((c) => ({ ...c, code: embedCode(site, agent.id, c, source) }));
        const html = await pages.render('client/assets', {
          h,
          creatives: list,
          imagePath: creativeImagePath,
          copyScript: COPY_SCRIPT_PATH,
          sources: (await reports.sources(agent.id)).map((s) => s.source).filter((s) => s !== DEFAULT_SOURCE),
          asked: sourceError ? asked : (source ?? ''),
          sourceError,
        });
        page(html, sourceError ? 422 : undefined);
      },
    },
  };

  return { client, admin };
}
