import type { Request, Response } from 'express';
import { z } from 'zod';
import type { HostAdmin, HostApi } from '../contract/host-api';
import type { Logger } from '../core/logger';
import type { Actions } from '../http/action';
import { adminForm, type RefusedForm } from '../http/form-action';
import { idField, textField } from '../http/forms';
import type { Pages } from '../http/pages';
import type { Translate } from '../i18n/lang';
import { adminAction } from '../http/paths';
import type { ProgramService } from '../programs/program-service';
import { joiningOf, type Application, type ApplicationService } from './application-service';
import { answerText } from './application-fields';
import { adminCrumbs } from '../admin-area';

const QUEUE = adminAction('applications');
const DONE = ['approved', 'rejected'] as const;

export interface ApplicationAdminDeps {
  pages: Pages;
  logger: Logger;
  host: Pick<HostApi, 'getClient'>;
  programs: Pick<ProgramService, 'at'>;
  applications: Pick<ApplicationService, 'listPending' | 'listDecided' | 'approve' | 'reject'>;
}

/**
 * The admin's queue of applications to join a program: each with the applicant, the program and
 * the answers as the applicant gave them; approve, or reject with a reason the applicant is told.
 * The admin area's sign-in is the authorization: only an admin reaches these actions.
 */
export function applicationAdminActions({ pages, logger, host, programs, applications }: ApplicationAdminDeps): Actions<HostAdmin> {
  /** An application as the queue shows it: who applied, and each answer beside its field's label. */
  async function shown(a: Application, t: Translate) {
    const [client, program] = await Promise.all([host.getClient(a.clientId), programs.at(a.programId, a.termsVersion)]);
    const fields = program ? joiningOf(program).fields : [];
    return {
      ...a,
      client: client ? `${client.firstname} ${client.lastname} <${client.email}>` : `#${a.clientId}`,
      // An approved applicant is the agent: named as the client, linked to their agent page.
      agentName: client ? `${client.firstname} ${client.lastname}` : `#${a.agentId ?? ''}`,
      agentHref: a.agentId ? `${adminAction('agent')}&id=${a.agentId}` : null,
      programName: program?.name ?? `#${a.programId}`,
      answerList: fields.map((f) => ({ label: f.label, text: answerText(f, a.answers[f.key] ?? null, t) })),
    };
  }

  async function show(req: Request, res: Response, refused?: RefusedForm): Promise<void> {
    const h = pages.helpers(req);
    const done = DONE.find((d) => d === req.query.done);
    const html = await pages.render('admin/applications', {
      h,
      pending: await Promise.all((await applications.listPending()).map((a) => shown(a, h.t))),
      decided: await Promise.all((await applications.listDecided()).map((a) => shown(a, h.t))),
      approveAction: adminAction('approveApplication'),
      rejectAction: adminAction('rejectApplication'),
      notice: done ? h.t(`apply.admin.done.${done}`) : null,
      form: refused?.form ?? null,
      errors: refused?.errors ?? {},
      values: refused?.values ?? {},
    });
    pages.send(req, res, {
      area: 'admin',
      title: h.t('apply.admin.title'),
      breadcrumb: adminCrumbs(h.t, { label: h.t('apply.admin.title'), href: QUEUE }),
      html,
      status: refused?.status,
    });
  }

  return {
    applications: { method: 'GET', run: (_admin, req, res) => show(req, res) },

    approveApplication: adminForm(logger, 'approveApplication', z.object({ application_id: idField }), show, async (admin, v) => {
      await applications.approve(v.application_id, admin.username);
      return `${QUEUE}&done=approved`;
    }),

    rejectApplication: adminForm(logger, 'rejectApplication', z.object({ application_id: idField, reason: textField(255) }), show, async (admin, v) => {
      await applications.reject(v.application_id, admin.username, v.reason);
      return `${QUEUE}&done=rejected`;
    }),
  };
}
