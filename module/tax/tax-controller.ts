import type { Request, Response } from 'express';
import { z } from 'zod';
import { DateTime } from 'luxon';
import type { HostAdmin, HostApi, HostHttp, HostUser } from '../contract/host-api';
import type { Logger } from '../core/logger';
import { RuleError } from '../core/errors';
import type { Agent, AgentService } from '../agents/agent-service';
import type { ProgramService } from '../programs/program-service';
import type { Action, Actions } from '../http/action';
import { adminForm, submitClientForm, type RefusedForm } from '../http/form-action';
import { idField } from '../http/forms';
import type { Pages } from '../http/pages';
import type { ViewHelpers } from '../http/render';
import { ADMIN_AREA, adminAction, clientAction } from '../http/paths';
import { LEGAL_STATUSES } from './tax-id';
import { certificateCovers } from './tax-rules';
import type { TaxProfile, TaxProfileService } from './tax-profile-service';
import type { TaxDocuments } from './tax-documents';
import type { TaxPayouts } from './tax-payouts';
import type { ExemptionCertificates, FiledCertificate } from './exemption-certificates';
import { CERTIFICATE_FIELD, downloadName, MAX_CERTIFICATE_BYTES } from './certificate-file';

const year = z.coerce.number().int().min(2000).max(2100);
/** A calendar day as yyyy-mm-dd, a real one (not 2026-02-30). */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => DateTime.fromISO(d, { zone: 'utc' }).isValid);
const text = z.string().optional();
const agentTaxForm = z.object({ agent_id: idField, legal_status: text, tax_id: text, residency: text, exemption_ref: text, exemption_valid_until: text });

export interface TaxControllerDeps {
  pages: Pages;
  logger: Logger;
  host: Pick<HostApi, 'getClient'> & { http: Pick<HostHttp, 'uploadedFile'> };
  agents: Pick<AgentService, 'byClient' | 'get'>;
  programs: Pick<ProgramService, 'get'>;
  profiles: Pick<TaxProfileService, 'forAgent' | 'history' | 'save'>;
  payouts: Pick<TaxPayouts, 'get' | 'ofAgentYear'>;
  documents: Pick<TaxDocuments, 'certificate' | 'statement' | 'report' | 'explain' | 'statementNumber' | 'recentYears'>;
  certificates: Pick<ExemptionCertificates, 'file' | 'onFile' | 'history' | 'get' | 'withBytes'>;
}

/**
 * Why the exemption the profile names does not count, as a lang key with its values, or null when
 * it counts (or none is named): no certificate on file, or the one on file was uploaded for another
 * exemption (number or last day) than the profile names now. Tax is withheld until it is filed.
 */
function certificateNote(profile: TaxProfile | null, onFile: FiledCertificate | null, area: 'client' | 'admin'): { key: string; vars: Record<string, string> } | null {
  if (!profile?.exemptionRef || certificateCovers(onFile, profile)) return null;
  const vars = { reference: profile.exemptionRef, until: profile.exemptionValidUntil ?? '' };
  if (area === 'client') return { key: onFile ? 'tax.certificate_file.other_exemption' : 'tax.certificate_file.missing', vars };
  return { key: onFile ? 'tax.certificate_file.admin_other_exemption' : 'tax.certificate_file.admin_missing_withheld', vars };
}

function sendPdf(res: Response, name: string, pdf: Buffer): void {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.pdf"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.end(pdf);
}

/**
 * A filed exemption certificate as a download: its own sniffed type, never rendered by the
 * browser in our origin (attachment, nosniff), never kept by a shared cache.
 */
function sendFiled(res: Response, filed: { certificate: FiledCertificate; data: Buffer }): void {
  res.attachment(downloadName(filed.certificate.fileName, filed.certificate.mime));
  res.setHeader('Content-Type', filed.certificate.mime);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('Content-Length', String(filed.data.length));
  res.end(filed.data);
}

/**
 * Tax: the agent's tax profile (client area) and the admin's view of it, the withholding-tax
 * certificate per year and the self-billing statement per payout (PDF), and the provider's
 * report per period (CSV). Every document is the signed-in agent's own or the admin's: a payout
 * of another agent answers as if it did not exist (404). None is open to an agent signed in as a
 * client (no asClient). The agent files the exemption certificate (PDF, PNG or JPEG) on the
 * profile page; the agent downloads their own, the admin any, from the agent's tax page.
 */
export function taxActions(deps: TaxControllerDeps): { client: Actions<HostUser>; admin: Actions<HostAdmin> } {
  const { pages, profiles, payouts, documents, certificates } = deps;

  async function agentOf(user: HostUser): Promise<Agent> {
    const agent = await deps.agents.byClient(user.client_id);
    if (!agent) throw new RuleError('tax.not_agent');
    return agent;
  }

  const notFound = (req: Request, res: Response, area: 'client' | 'admin', key = 'tax.not_found') => {
    const t = pages.helpers(req).t;
    pages.alert(req, res, { area, title: t('tax.title'), breadcrumb: [], status: 404 }, t(key));
  };

  async function years(agent: Agent): Promise<number[]> {
    const program = await deps.programs.get(agent.programId);
    return documents.recentYears(program?.timezone ?? 'UTC');
  }

  async function agentPayouts(agent: Agent, ys: number[], h: ViewHelpers) {
    const program = await deps.programs.get(agent.programId);
    const zone = program?.timezone ?? 'UTC';
    const rows = [];
    for (const y of ys) rows.push(...(await payouts.ofAgentYear(agent.id, y, zone)));
    return { zone, rows: rows.sort((a, b) => b.paidAt - a.paidAt).map((p) => ({ ...p, number: documents.statementNumber(p.id), why: documents.explain(p.basis, h) })) };
  }

  /** A form of the agent's tax profile page: done, back to the page with its notice; refused, the page again with the errors. */
  function profileForm(form: string, done: string, act: (agent: Agent, user: HostUser, values: Record<string, string>, req: Request) => Promise<unknown>): Action<HostUser> {
    return {
      method: 'POST',
      async run(user, req, res) {
        const agent = await agentOf(user);
        await submitClientForm(
          req,
          res,
          form,
          async (values) => {
            await act(agent, user, values, req);
            return `${clientAction('taxProfile')}&done=${done}`;
          },
          (rq, rs, refused) => showClientPage(agent, rq, rs, refused),
        );
      },
    };
  }

  async function showClientPage(agent: Agent, req: Request, res: Response, refused?: RefusedForm): Promise<void> {
    const h = pages.helpers(req);
    const profile = await profiles.forAgent(agent.id);
    const client = profile ? null : await deps.host.getClient(agent.clientId);
    const ys = await years(agent);
    const certificate = await certificates.onFile(agent.id);
    const html = await pages.render('client/tax-profile', {
      h,
      profile,
      certificate,
      // An exemption entered without its certificate (or with one filed for another) does not count: the agent is told so.
      certificateNote: certificateNote(profile, certificate, 'client'),
      uploadAction: `${clientAction('uploadExemptionCertificate')}#form-errors`,
      certificateFileAction: clientAction('exemptionCertificateFile'),
      maxMb: MAX_CERTIFICATE_BYTES / (1024 * 1024),
      statuses: LEGAL_STATUSES,
      defaultResidency: client?.country ?? '',
      years: ys,
      payouts: await agentPayouts(agent, ys, h),
      saveAction: `${clientAction('saveTaxProfile')}#form-errors`,
      certificateAction: clientAction('taxCertificate'),
      statementAction: clientAction('payoutStatement'),
      notice: req.query.done === 'saved' ? h.t('tax.saved') : req.query.done === 'certificate' ? h.t('tax.certificate_file.saved') : null,
      errors: refused?.errors ?? {},
      values: refused?.values ?? {},
    });
    pages.clientPage(req, res, { titleKey: 'tax.title', href: clientAction('taxProfile'), html, status: refused?.status });
  }

  async function showAdminPage(req: Request, res: Response, agentId: number, refused?: RefusedForm): Promise<void> {
    const agent = await deps.agents.get(agentId);
    if (!agent) return notFound(req, res, 'admin');
    const h = pages.helpers(req);
    const ys = await years(agent);
    const profile = await profiles.forAgent(agent.id);
    const filed = await certificates.history(agent.id);
    const html = await pages.render('admin/agent-tax', {
      h,
      agent,
      profile,
      certificateHistory: filed,
      certificateNote: certificateNote(profile, filed[0] ?? null, 'admin'),
      certificateFileAction: adminAction('exemptionCertificateFile'),
      history: await profiles.history(agent.id),
      statuses: LEGAL_STATUSES,
      years: ys,
      payouts: await agentPayouts(agent, ys, h),
      saveAction: `${adminAction('saveAgentTax')}#form-errors`,
      certificateAction: adminAction('taxCertificate'),
      statementAction: adminAction('payoutStatement'),
      notice: req.query.done === 'saved' ? h.t('tax.saved') : null,
      errors: refused?.errors ?? {},
      values: refused?.values ?? {},
    });
    const client = await deps.host.getClient(agent.clientId);
    const name = client ? `${client.firstname} ${client.lastname}` : `#${agent.id}`;
    const title = h.t('tax.admin.title', { name });
    pages.send(req, res, {
      area: 'admin',
      title,
      breadcrumb: [{ label: 'Agent Tools', href: ADMIN_AREA }, { label: name, href: `${adminAction('agent')}&id=${agent.id}` }, { label: title }],
      html,
      status: refused?.status,
    });
  }

  async function showReportPage(req: Request, res: Response, error: string | null): Promise<void> {
    const h = pages.helpers(req);
    const html = await pages.render('admin/tax-report', {
      h,
      action: adminAction('taxReport'),
      values: { from: typeof req.query.from === 'string' ? req.query.from : '', to: typeof req.query.to === 'string' ? req.query.to : '' },
      error,
    });
    pages.send(req, res, {
      area: 'admin',
      title: h.t('tax.report.title'),
      breadcrumb: [{ label: 'Agent Tools', href: ADMIN_AREA }, { label: h.t('tax.report.title') }],
      html,
      status: error ? 422 : undefined,
    });
  }

  const client: Actions<HostUser> = {
    taxProfile: {
      method: 'GET',
      run: async (user, req, res) => showClientPage(await agentOf(user), req, res),
    },

    saveTaxProfile: profileForm('saveTaxProfile', 'saved', (agent, user, values) => profiles.save(agent.id, values, `agent:${user.client_id}`)),

    taxCertificate: {
      method: 'GET',
      async run(user, req, res) {
        const agent = await agentOf(user);
        const y = year.safeParse(req.query.year);
        if (!y.success) throw new RuleError('tax.error.year');
        sendPdf(res, `withholding-tax-${y.data}`, await documents.certificate(agent.id, y.data, pages.helpers(req)));
      },
    },

    uploadExemptionCertificate: profileForm('uploadExemptionCertificate', 'certificate', (agent, user, _values, req) =>
      certificates.file(agent.id, deps.host.http.uploadedFile(req, CERTIFICATE_FIELD), `agent:${user.client_id}`),
    ),

    exemptionCertificateFile: {
      method: 'GET',
      async run(user, req, res) {
        const agent = await agentOf(user);
        // No id: the one on file; an id: that one of the agent's own, an older one included.
        const id = req.query.id === undefined ? null : idField.safeParse(req.query.id);
        const meta = id === null ? await certificates.onFile(agent.id) : id.success ? await certificates.get(id.data) : null;
        // Another agent's certificate is not there for this one: the same answer as none.
        const filed = meta && meta.agentId === agent.id ? await certificates.withBytes(meta.id) : null;
        if (!filed) return notFound(req, res, 'client', 'tax.certificate_file.not_found');
        sendFiled(res, filed);
      },
    },

    payoutStatement: {
      method: 'GET',
      async run(user, req, res) {
        const agent = await agentOf(user);
        const id = idField.safeParse(req.query.id);
        const payout = id.success ? await payouts.get(id.data) : null;
        // Another agent's payout is not there for this one: the same answer as none.
        if (!payout || payout.agentId !== agent.id) return notFound(req, res, 'client');
        sendPdf(res, documents.statementNumber(payout.id), await documents.statement(payout, pages.helpers(req)));
      },
    },
  };

  const admin: Actions<HostAdmin> = {
    agentTax: {
      method: 'GET',
      async run(_admin, req, res) {
        const id = idField.safeParse(req.query.id);
        if (!id.success) return notFound(req, res, 'admin');
        await showAdminPage(req, res, id.data);
      },
    },

    saveAgentTax: adminForm(
      deps.logger,
      'saveAgentTax',
      agentTaxForm,
      async (req, res, refused) => {
        const id = idField.safeParse(refused.values.agent_id);
        if (!id.success) return notFound(req, res, 'admin');
        await showAdminPage(req, res, id.data, refused);
      },
      async (a, v) => {
        if (!(await deps.agents.get(v.agent_id))) throw new RuleError('tax.not_found', 'agent_id');
        await profiles.save(v.agent_id, v, `admin:${a.username}`);
        return `${adminAction('agentTax')}&id=${v.agent_id}&done=saved`;
      },
    ),

    taxCertificate: {
      method: 'GET',
      async run(_admin, req, res) {
        const id = idField.safeParse(req.query.agent_id);
        const y = year.safeParse(req.query.year);
        if (!id.success || !(await deps.agents.get(id.data))) return notFound(req, res, 'admin');
        if (!y.success) throw new RuleError('tax.error.year');
        sendPdf(res, `withholding-tax-${id.data}-${y.data}`, await documents.certificate(id.data, y.data, pages.helpers(req)));
      },
    },

    payoutStatement: {
      method: 'GET',
      async run(_admin, req, res) {
        const id = idField.safeParse(req.query.id);
        const payout = id.success ? await payouts.get(id.data) : null;
        if (!payout) return notFound(req, res, 'admin');
        sendPdf(res, documents.statementNumber(payout.id), await documents.statement(payout, pages.helpers(req)));
      },
    },

    exemptionCertificateFile: {
      method: 'GET',
      async run(_admin, req, res) {
        const id = idField.safeParse(req.query.id);
        const filed = id.success ? await certificates.withBytes(id.data) : null;
        if (!filed) return notFound(req, res, 'admin', 'tax.certificate_file.not_found');
        sendFiled(res, filed);
      },
    },

    taxReport: {
      method: 'GET',
      async run(_admin, req, res) {
        if (req.query.from === undefined && req.query.to === undefined) return showReportPage(req, res, null);
        const from = day.safeParse(req.query.from);
        const to = day.safeParse(req.query.to);
        const t = pages.helpers(req).t;
        if (!from.success || !to.success) return showReportPage(req, res, t('tax.error.period'));
        if (from.data > to.data) return showReportPage(req, res, t('tax.error.period_order'));
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="withholding-tax-${from.data}-${to.data}.csv"`);
        res.setHeader('Cache-Control', 'private, no-store');
        await documents.report(from.data, to.data, res, t);
      },
    },
  };

  return { client, admin };
}
