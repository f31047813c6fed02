import type { Request, Response } from 'express';
import { z } from 'zod';
import type { HostAdmin, HostHttp } from '../contract/host-api';
import { RuleError } from '../core/errors';
import type { Actions } from '../http/action';
import { fieldErrors, formValues, idField, type FieldErrors } from '../http/forms';
import type { Pages } from '../http/pages';
import { adminAction } from '../http/paths';
import type { ProgramService } from '../programs/program-service';
import { formatMoney } from '../money/format';
import { currency } from '../money/currencies';
import type { Minor } from '../money/amount';
import type { WhatIfResult, WhatIfService } from './what-if-service';
import { adminCrumbs } from '../admin-area';

/** As the program file's own form on the admin's home page takes it. */
const MAX_DEFINITION = 200_000;

const whatIfForm = z.object({
  program_id: idField,
  definition: z.string().max(MAX_DEFINITION, 'adminarea.error.definition_too_long').default(''),
  from: z.string().trim().min(1, 'adminarea.error.required'),
  to: z.string().trim().min(1, 'adminarea.error.required'),
});

export interface WhatIfAdminDeps {
  pages: Pages;
  host: { http: Pick<HostHttp, 'uploadedFile'> };
  programs: Pick<ProgramService, 'list'>;
  whatIf: Pick<WhatIfService, 'compare'>;
}

/**
 * The admin's what-if page: a new definition (pasted or uploaded), a past period, and the table of
 * each agent's earned and would-earn. Running it is a POST (with its CSRF token, checked by the
 * dispatcher) for its large body, but it is a read: it answers with the page, 200, and changes
 * nothing; a bad definition or period shows the form again, 422, with the message beside its field.
 */
export function whatIfAdminActions({ pages, host, programs, whatIf }: WhatIfAdminDeps): Actions<HostAdmin> {
  async function show(req: Request, res: Response, state: { values?: Record<string, string>; errors?: FieldErrors; result?: WhatIfResult; status?: number } = {}): Promise<void> {
    const h = pages.helpers(req);
    const html = await pages.render('admin/what-if', {
      h,
      programs: await programs.list(),
      runAction: adminAction('whatIfRun'),
      values: state.values ?? {},
      // The form's messages are lang keys (or a refusal already in the admin's language): t shows either.
      errors: Object.fromEntries(Object.entries(state.errors ?? {}).map(([field, message]) => [field, h.t(message)])),
      result: state.result ?? null,
      // The what-if's figures as the program file's admin reads money elsewhere: the currency's symbol, in the admin's locale.
      money: (amount: Minor, cur: string) => formatMoney(amount, currency(cur), h.locale),
    });
    const title = h.t('whatif.title');
    pages.send(req, res, {
      area: 'admin',
      title,
      breadcrumb: adminCrumbs(h.t, { label: title }),
      html,
      status: state.status,
    });
  }

  return {
    whatIf: { method: 'GET', run: (_admin, req, res) => show(req, res) },

    whatIfRun: {
      method: 'POST',
      fields: Object.keys(whatIfForm.shape),
      async run(_admin, req, res) {
        const values = formValues(req.body);
        // The definition is not shown again when it came as a file: the textarea keeps what was typed.
        const back = (errors: FieldErrors) => show(req, res, { values, errors, status: 422 });
        const parsed = whatIfForm.safeParse(values);
        if (!parsed.success) return back(fieldErrors(parsed.error, pages.helpers(req).t));
        const file = host.http.uploadedFile(req, 'definition_file');
        if (file && file.data.length > MAX_DEFINITION) return back({ definition: 'adminarea.error.definition_too_long' });
        const definition = file ? file.data.toString('utf8') : parsed.data.definition;
        if (!definition.trim()) return back({ definition: 'adminarea.error.required' });
        try {
          const result = await whatIf.compare(parsed.data.program_id, definition, parsed.data.from, parsed.data.to);
          return await show(req, res, { values, result });
        } catch (e) {
          if (e instanceof RuleError) return back({ [e.field ?? '_form']: e.text(pages.helpers(req).t) });
          throw e;
        }
      },
    },
  };
}
