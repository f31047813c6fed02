import type { Request, Response } from 'express';
import type { HostUser } from '../contract/host-api';
import { RuleError } from '../core/errors';
import type { Actions } from '../http/action';
import { submitClientForm, type RefusedForm } from '../http/form-action';
import { formValues, idField } from '../http/forms';
import type { Pages } from '../http/pages';
import { CLIENT_AREA, clientAction } from '../http/paths';
import type { Program } from '../programs/program-service';
import { AnswersRefused, joiningOf, type ApplicationService } from './application-service';

const APPLY_PAGE = clientAction('apply');
const DONE = ['applied', 'withdrawn'] as const;

export interface ApplicationControllerDeps {
  pages: Pages;
  applications: Pick<ApplicationService, 'joinable' | 'forClient' | 'apply' | 'withdraw' | 'checkAnswers'>;
}

/**
 * The client's side of joining a program: the programs that take applications, the form of the
 * one chosen, and the client's own applications with their decisions. Every form acts for the
 * signed-in client only (nothing in it names a client), and none is open to a service manager
 * signed in as the client (no asClient): joining is the client's own business.
 */
export function applicationActions({ pages, applications }: ApplicationControllerDeps): Actions<HostUser> {
  async function show(user: HostUser, req: Request, res: Response, chosen: Program | null, refused?: RefusedForm): Promise<void> {
    const h = pages.helpers(req);
    const programs = await applications.joinable();
    const mine = await applications.forClient(user.client_id);
    const byId = new Map(programs.map((p) => [p.id, p]));
    const done = DONE.find((d) => d === req.query.done);
    const html = await pages.render('client/apply', {
      h,
      programs,
      joiningOf,
      chosen,
      mine: mine.map((a) => ({ ...a, programName: byId.get(a.programId)?.name ?? `#${a.programId}` })),
      applyPage: APPLY_PAGE,
      submitAction: clientAction('submitApplication'),
      withdrawAction: clientAction('withdrawApplication'),
      notice: done ? h.t(`apply.done.${done}`) : null,
      errors: refused?.errors ?? {},
      values: refused?.values ?? {},
    });
    pages.clientPage(req, res, { titleKey: 'apply.title', href: APPLY_PAGE, html, status: refused?.status });
  }

  /** The program a form or link names by slug, when it takes applications. */
  async function joinableBySlug(slug: unknown): Promise<Program | null> {
    if (typeof slug !== 'string') return null;
    return (await applications.joinable()).find((p) => p.slug === slug) ?? null;
  }

  const refuse = (req: Request, res: Response, key: string, status: number) => {
    const h = pages.helpers(req);
    pages.alert(req, res, { area: 'client', title: h.t('apply.title'), breadcrumb: [{ label: h.t('affiliate.title'), href: CLIENT_AREA }], status }, h.t(key));
  };

  return {
    apply: {
      method: 'GET',
      async run(user, req, res) {
        const chosen = req.query.program === undefined ? null : await joinableBySlug(req.query.program);
        if (req.query.program !== undefined && !chosen) return refuse(req, res, 'apply.closed', 404);
        await show(user, req, res, chosen);
      },
    },

    submitApplication: {
      method: 'POST',
      async run(user, req, res) {
        const values = formValues(req.body);
        const program = await joinableBySlug(values.program);
        if (!program) return refuse(req, res, 'apply.closed', 422);
        const redisplay = (rq: Request, rs: Response, refused: RefusedForm) => show(user, rq, rs, program, refused);
        // Every field's message at once, not one per try: the answers are checked before the rules.
        try {
          applications.checkAnswers(program, values, pages.helpers(req).t);
        } catch (e) {
          if (!(e instanceof AnswersRefused)) throw e;
          return redisplay(req, res, { form: 'apply', errors: e.errors, values, status: 422 });
        }
        await submitClientForm(
          req,
          res,
          'apply',
          async (v) => {
            let app;
            try {
              app = await applications.apply(user.client_id, program, v, req.ip ?? '');
            } catch (e) {
              // A refusal about the application as a whole (one is waiting already) goes above the form.
              if (e instanceof RuleError && !e.field) throw new RuleError(e.key, '_form', { ...e.vars });
              throw e;
            }
            // Approved at once: the agent panel is the client area's home now.
            return app.status === 'approved' ? CLIENT_AREA : `${APPLY_PAGE}&done=applied`;
          },
          redisplay,
        );
      },
    },

    withdrawApplication: {
      method: 'POST',
      async run(user, req, res) {
        const id = idField.safeParse(formValues(req.body).application_id);
        const withdrawn = id.success ? await applications.withdraw(user.client_id, id.data) : null;
        if (!withdrawn) return refuse(req, res, 'apply.not_found', 404);
        res.redirect(303, `${APPLY_PAGE}&done=withdrawn`);
      },
    },
  };
}
