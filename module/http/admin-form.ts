import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Core } from '../agenttools';
import type { HostAdmin } from '../contract/host-api';
import { RuleError } from '../core/errors';
import { DefinitionError } from '../programs/definition';
import type { Action } from './router';
import { fieldErrors, formValues, type FieldErrors } from './forms';

/** What a page shows again when its form was refused: the messages beside the fields, the values as typed. */
export interface RefusedForm {
  form: string;
  errors: FieldErrors;
  values: Record<string, string>;
  status: number;
}

/**
 * An admin form, as every admin page has them: the fields checked by `schema`; bad input, or a
 * rule the core refuses with, shows the page again (`redisplay`, 422) with the message beside its
 * field and nothing done; success is logged and redirects (303) to the address `act` returns.
 */
export function adminForm<S extends z.ZodType>(
  form: string,
  schema: S,
  redisplay: (core: Core, req: Request, res: Response, refused: RefusedForm) => Promise<void>,
  act: (core: Core, admin: HostAdmin, input: z.output<S>, req: Request) => Promise<string>,
): Action<HostAdmin> {
  return {
    method: 'POST',
    async run(core, admin, req, res) {
      const values = formValues(req.body);
      const back = (errors: FieldErrors) => redisplay(core, req, res, { form, errors, values, status: 422 });
      const parsed = schema.safeParse(values);
      if (!parsed.success) return back(fieldErrors(parsed.error));
      let next: string;
      try {
        next = await act(core, admin, parsed.data, req);
      } catch (e) {
        if (e instanceof RuleError) return back({ [e.field ?? '_form']: e.message });
        if (e instanceof DefinitionError) return back({ definition: e.issues.join('\n') });
        throw e;
      }
      core.logger.info('admin action', { admin: admin.username, form });
      res.redirect(303, next);
    },
  };
}
