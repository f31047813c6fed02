import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import type { Actions } from '../http/action';
import { textField as text } from '../http/forms';
import type { AdminPageForm } from '../http/admin-page-form';
import { readProgramText, type ProgramService } from './program-service';

/** On the admin's home page: a program definition loaded (a new terms version when it exists). */
export function programAdminActions(form: AdminPageForm, programs: Pick<ProgramService, 'load'>): Actions<HostAdmin> {
  return {
    loadProgram: form('program', z.object({ definition: text(200_000) }), async (_admin, v) => {
      await programs.load(readProgramText(v.definition));
      return 'program';
    }),
  };
}
