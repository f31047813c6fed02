import type { Request, Response } from 'express';
import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import type { Logger } from '../core/logger';
import { RuleError } from '../core/errors';
import { translator } from '../i18n/lang';
import type { Action } from './action';
import { fieldErrors, formValues, type FieldErrors } from './forms';
import { requestLanguage } from './request-language';

/** What a page shows again when its form was refused: the messages beside the fields, the values as typed. */
export interface RefusedForm {
  form: string;
  errors: FieldErrors;
  values: Record<string, string>;
  status: number;
}

export type Redisplay = (req: Request, res: Response, refused: RefusedForm) => Promise<void>;

const REFUSED = 'agentToolsRefusedForm';

/**
 * Shows the page again for a refused form, remembering the refusal on the response so that the
 * page sent (Pages) opens with the error summary (#form-errors) that the browser lands on.
 */
export function redisplayRefused(req: Request, res: Response, refused: RefusedForm, redisplay: Redisplay): Promise<void> {
  res.locals[REFUSED] = refused;
  return redisplay(req, res, refused);
}

/** The form this response shows again, refused, if any. */
export function refusedForm(res: Response): RefusedForm | null {
  return (res.locals[REFUSED] as RefusedForm | undefined) ?? null;
}

/** A refusal in the language dispatch chose for this request (English outside a module page). */
function refusalText(req: Request, e: RuleError): string {
  return e.text(translator(requestLanguage(req) ?? 'english'));
}

/**
 * A client-area form, as the agent's pages have them: `work` gets the form's values and answers
 * where to go next (303). A rule the core refuses with beside a field shows the page again (422)
 * with the message there and the values as typed; any other error is the dispatcher's to answer.
 */
export async function submitClientForm(req: Request, res: Response, form: string, work: (values: Record<string, string>) => Promise<string>, redisplay: Redisplay): Promise<void> {
  const values = formValues(req.body);
  let next: string;
  try {
    next = await work(values);
  } catch (e) {
    if (!(e instanceof RuleError) || !e.field) throw e;
    return redisplayRefused(req, res, { form, errors: { [e.field]: refusalText(req, e) }, values, status: 422 }, redisplay);
  }
  res.redirect(303, next);
}

/**
 * An admin form, as every admin page has them: the fields checked by `schema`; bad input, or a
 * rule the core refuses with, shows the page again (`redisplay`, 422) with the message beside its
 * field (or above the form) and nothing done; success is logged and redirects (303) to the
 * address `act` returns.
 */
export function adminForm<S extends z.ZodType>(
  logger: Logger,
  form: string,
  schema: S,
  redisplay: Redisplay,
  act: (admin: HostAdmin, input: z.output<S>, req: Request) => Promise<string>,
): Action<HostAdmin> {
  return {
    method: 'POST',
    fields: schema instanceof z.ZodObject ? Object.keys(schema.shape) : [],
    async run(admin, req, res) {
      const values = formValues(req.body);
      const back = (errors: FieldErrors) => redisplayRefused(req, res, { form, errors, values, status: 422 }, redisplay);
      const parsed = schema.safeParse(values);
      if (!parsed.success) return back(fieldErrors(parsed.error, translator(requestLanguage(req) ?? 'english')));
      let next: string;
      try {
        next = await act(admin, parsed.data, req);
      } catch (e) {
        if (e instanceof RuleError) return back({ [e.field ?? '_form']: refusalText(req, e) });
        throw e;
      }
      logger.info('admin action', { admin: admin.username, form });
      res.redirect(303, next);
    },
  };
}
