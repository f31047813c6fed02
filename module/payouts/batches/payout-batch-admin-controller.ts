import fs from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { HostAdmin } from '../../contract/host-api';
import type { Logger } from '../../core/logger';
import { RuleError } from '../../core/errors';
import type { Actions } from '../../http/action';
import { fieldErrors, formValues, idField, type FieldErrors } from '../../http/forms';
import type { Pages } from '../../http/pages';
import { ADMIN_AREA, adminAction } from '../../http/paths';
import type { ProgramService } from '../../programs/program-service';
import { PAYOUT_METHOD_KINDS } from '../payout-method';
import type { PayoutBatchService } from './payout-batch-service';

export interface PayoutBatchAdminDeps {
  pages: Pages;
  logger: Logger;
  programs: Pick<ProgramService, 'list'>;
  batches: Pick<PayoutBatchService, 'due' | 'list' | 'view' | 'create' | 'exclude' | 'approve' | 'markPaid' | 'markFailed' | 'exportFile'>;
}

/** The withdrawal partial of the payout-methods capability (reject, cancel), shown per due request when it is there. */
const WITHDRAWAL_ACTIONS = path.resolve(__dirname, '../../../templates/partials/withdrawal-admin-actions.ejs');

// The forms' messages are lang keys: the page shows them in the admin's language.
const dateField = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'adminarea.error.date_format');

/** The end of the cut-off day in UTC: everything requested on that day is due. */
function cutOffOf(date: string): number | null {
  const at = DateTime.fromISO(date, { zone: 'utc' });
  return at.isValid ? at.endOf('day').toMillis() : null;
}

const createForm = z.object({
  program_id: idField,
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, 'adminarea.error.currency_code'),
  method: z.enum(PAYOUT_METHOD_KINDS, { message: 'adminarea.error.payout_method' }),
  cut_off: dateField,
  pay_currency: z
    .union([
      z.literal(''),
      z
        .string()
        .trim()
        .regex(/^[A-Za-z]{3}$/, 'adminarea.error.currency_code'),
    ])
    .optional(),
});
const batchForm = z.object({ batch_id: idField });
const excludeForm = z.object({ batch_id: idField, line_id: idField, reason: z.string().trim().min(1, 'errors.reason_required').max(500, 'adminarea.error.at_most_500') });
const paidForm = z.object({
  batch_id: idField,
  reference: z.string().trim().min(1, 'adminarea.error.reference_required').max(120, 'adminarea.error.at_most_120'),
  line_id: z.union([z.literal(''), idField]).optional(),
});
const failedForm = z.object({
  batch_id: idField,
  reason: z.string().trim().min(1, 'errors.reason_required').max(500, 'adminarea.error.at_most_500'),
  line_id: z.union([z.literal(''), idField]).optional(),
});

/** A form's messages for the page: lang keys in the admin's language; texts already written out stay as they are. */
function translated(t: (key: string) => string, errors: FieldErrors = {}): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, t(message)]));
}

interface Shown {
  errors?: FieldErrors;
  values?: Record<string, string>;
  status?: number;
  notice?: string | null;
}

/**
 * The admin's payouts: what is due per program, currency and method up to a cut-off (with the
 * batches made so far), and one batch's page: its lines with gross, tax and net, excluding a
 * line while it is a draft, approving it, its file, marking it (or a line) paid or failed.
 */
export function payoutBatchAdminActions(deps: PayoutBatchAdminDeps): Actions<HostAdmin> {
  const { pages, logger, batches } = deps;
  const hasWithdrawalActions = fs.existsSync(WITHDRAWAL_ACTIONS);

  const showDue = async (req: Request, res: Response, shown: Shown = {}) => {
    const h = pages.helpers(req);
    const asked = typeof req.query.cut_off === 'string' && dateField.safeParse(req.query.cut_off).success ? req.query.cut_off : null;
    const cutOffDate = shown.values?.cut_off && cutOffOf(shown.values.cut_off) !== null ? shown.values.cut_off : (asked ?? DateTime.utc().toISODate());
    const cutOff = cutOffOf(cutOffDate) ?? Date.now();
    const html = await pages.render('admin/payouts', {
      h,
      action: adminAction,
      cutOffDate,
      due: await batches.due(cutOff),
      batches: await batches.list(),
      programs: await deps.programs.list(),
      methods: PAYOUT_METHOD_KINDS,
      errors: translated(h.t, shown.errors),
      values: shown.values ?? {},
      notice: shown.notice ?? null,
      withdrawalActions: hasWithdrawalActions,
    });
    const title = h.t('batches.admin.title');
    pages.send(req, res, { area: 'admin', title, breadcrumb: [{ label: h.t('adminarea.crumb.module'), href: ADMIN_AREA }, { label: title }], html, status: shown.status });
  };

  const showBatch = async (req: Request, res: Response, batchId: number, shown: Shown = {}) => {
    const h = pages.helpers(req);
    const view = await batches.view(batchId);
    // A refusal about a batch that is not there is shown on the payouts page, beside the form.
    if (!view && shown.errors) return showDue(req, res, shown);
    if (!view)
      return pages.alert(
        req,
        res,
        { area: 'admin', title: h.t('batches.admin.title'), breadcrumb: [{ label: h.t('adminarea.crumb.module'), href: ADMIN_AREA }], status: 404 },
        h.t('batches.error.no_batch', { batch: batchId }),
      );
    const html = await pages.render('admin/payout-batch', { h, action: adminAction, view, errors: translated(h.t, shown.errors), values: shown.values ?? {}, notice: shown.notice ?? null });
    const title = h.t('batches.admin.batch_title', { batch: batchId });
    pages.send(req, res, {
      area: 'admin',
      title,
      breadcrumb: [{ label: h.t('adminarea.crumb.module'), href: ADMIN_AREA }, { label: h.t('batches.admin.title'), href: adminAction('payouts') }, { label: title }],
      html,
      status: shown.status,
    });
  };

  const refused = (errors: FieldErrors, values: Record<string, string>) => ({ errors, values, status: 422 });
  const ruleErrors = (req: Request, e: RuleError, fallback: string): FieldErrors => ({ [e.field ?? fallback]: e.text(pages.helpers(req).t) });

  /** A POST on one batch: parsed, done, then back to the batch's page (303), or the page again with the refusal (422). */
  const onBatch = <S extends z.ZodObject>(name: string, schema: S, work: (admin: HostAdmin, v: z.infer<S>) => Promise<string>) => ({
    method: 'POST' as const,
    fields: Object.keys(schema.shape),
    async run(admin: HostAdmin, req: Request, res: Response) {
      const values = formValues(req.body);
      const parsed = schema.safeParse(values);
      const batchId = idField.safeParse(values.batch_id);
      if (!batchId.success) return showDue(req, res, refused({ batch_id: pages.helpers(req).t('batches.error.no_batch', { batch: values.batch_id ?? '' }) }, values));
      if (!parsed.success) return showBatch(req, res, batchId.data, refused(fieldErrors(parsed.error, pages.helpers(req).t), values));
      try {
        const done = await work(admin, parsed.data);
        logger.info('admin action', { admin: admin.username, form: name, batch: batchId.data });
        res.redirect(303, `${adminAction('payoutBatch')}&id=${batchId.data}&done=${done}`);
      } catch (e) {
        if (e instanceof RuleError) return showBatch(req, res, batchId.data, refused(ruleErrors(req, e, '_form'), values));
        throw e;
      }
    },
  });

  return {
    payouts: { method: 'GET', run: (_admin, req, res) => showDue(req, res) },
    payoutBatch: {
      method: 'GET',
      async run(_admin, req, res) {
        const id = idField.safeParse(req.query.id);
        if (!id.success)
          return showDue(req, res, { errors: { batch_id: pages.helpers(req).t('batches.error.no_batch', { batch: typeof req.query.id === 'string' ? req.query.id : '' }) }, status: 404 });
        const done = typeof req.query.done === 'string' && /^[a-z_]+$/.test(req.query.done) ? pages.helpers(req).t(`batches.admin.done.${req.query.done}`) : null;
        return showBatch(req, res, id.data, { notice: done });
      },
    },
    payoutBatchFile: {
      method: 'GET',
      async run(_admin, req, res) {
        const id = idField.safeParse(req.query.id);
        if (!id.success)
          return showDue(req, res, { errors: { batch_id: pages.helpers(req).t('batches.error.no_batch', { batch: typeof req.query.id === 'string' ? req.query.id : '' }) }, status: 404 });
        try {
          const file = await batches.exportFile(id.data);
          res.status(200).set({
            'Content-Type': file.contentType,
            'Content-Disposition': `attachment; filename="${file.filename}"`,
            'Cache-Control': 'private, no-store',
            'X-Content-Type-Options': 'nosniff',
          });
          res.send(file.body);
        } catch (e) {
          if (e instanceof RuleError) return showBatch(req, res, id.data, { errors: ruleErrors(req, e, '_form'), status: 422 });
          throw e;
        }
      },
    },
    createPayoutBatch: {
      method: 'POST',
      fields: Object.keys(createForm.shape),
      async run(admin, req, res) {
        const values = formValues(req.body);
        const parsed = createForm.safeParse(values);
        if (!parsed.success) return showDue(req, res, refused(fieldErrors(parsed.error, pages.helpers(req).t), values));
        const cutOff = cutOffOf(parsed.data.cut_off);
        if (cutOff === null) return showDue(req, res, refused({ cut_off: pages.helpers(req).t('batches.error.cut_off') }, values));
        try {
          const made = await batches.create(
            { programId: parsed.data.program_id, currency: parsed.data.currency.toUpperCase(), method: parsed.data.method, cutOff, payCurrency: parsed.data.pay_currency || null },
            admin.id,
          );
          logger.info('admin action', { admin: admin.username, form: 'createPayoutBatch', batch: made.batch.id, lines: made.taken });
          res.redirect(303, `${adminAction('payoutBatch')}&id=${made.batch.id}&done=created`);
        } catch (e) {
          if (e instanceof RuleError) return showDue(req, res, refused(ruleErrors(req, e, '_form'), values));
          throw e;
        }
      },
    },
    excludePayoutLine: onBatch('excludePayoutLine', excludeForm, async (admin, v) => {
      await batches.exclude(v.batch_id, v.line_id, v.reason, admin.id);
      return 'excluded';
    }),
    approvePayoutBatch: onBatch('approvePayoutBatch', batchForm, async (admin, v) => {
      await batches.approve(v.batch_id, admin.id);
      return 'approved';
    }),
    markPayoutBatchPaid: onBatch('markPayoutBatchPaid', paidForm, async (admin, v) => {
      await batches.markPaid(v.batch_id, v.reference, admin.id, v.line_id ? [v.line_id] : null);
      return 'paid';
    }),
    markPayoutBatchFailed: onBatch('markPayoutBatchFailed', failedForm, async (admin, v) => {
      await batches.markFailed(v.batch_id, v.reason, admin.id, v.line_id ? [v.line_id] : null);
      return 'failed';
    }),
  };
}
