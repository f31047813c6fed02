import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import { RuleError } from '../core/errors';
import { percentText } from '../config';
import { CERTIFICATIONS } from '../programs/definition';
import type { ProgramService } from '../programs/program-service';
import type { Actions } from '../http/action';
import { idField as id, optionalField as optional } from '../http/forms';
import type { AdminPageForm } from '../http/admin-page-form';
import type { AgentService } from './agent-service';

const forms = {
  activate: z.object({ client_id: id, program_id: optional(id) }),
  terms: z.object({
    agent_id: id,
    tier: optional(z.string()),
    // A Russian admin writes 12,5 for 12.5: both are read.
    rate: optional(z.preprocess((v) => (typeof v === 'string' ? v.replace(',', '.') : v), percentText)),
    certification: optional(z.enum(CERTIFICATIONS, { message: 'adminarea.error.certification' })),
  }),
  reactivate: z.object({ agent_id: id }),
  performer: z.object({ agent_id: id, invoice_line_id: id }),
};

/** The forms of the admin's pages that make a client an agent and set the agent's terms and standing. */
export function agentAdminActions(
  form: AdminPageForm,
  agents: Pick<AgentService, 'activateForClient' | 'setTerms' | 'reactivate' | 'recordPerformer'>,
  programs: Pick<ProgramService, 'bySlug'>,
): Actions<HostAdmin> {
  return {
    activateAgent: form('activate', forms.activate, async (_admin, v) => {
      const programId = v.program_id ?? (await programs.bySlug('default'))?.id;
      if (!programId) throw new RuleError('adminarea.error.choose_program', 'program_id');
      await agents.activateForClient(v.client_id, programId);
      return 'activated';
    }),

    setAgentTerms: form('terms', forms.terms, async (_admin, v) => {
      await agents.setTerms(v.agent_id, { tier: v.tier, rateBp: v.rate, certification: v.certification });
      return 'terms';
    }),

    reactivateAgent: form('reactivate', forms.reactivate, async (_admin, v) => {
      await agents.reactivate(v.agent_id);
      return 'reactivated';
    }),

    recordPerformer: form('performer', forms.performer, async (_admin, v) => {
      await agents.recordPerformer(v.invoice_line_id, v.agent_id);
      return 'performer';
    }),
  };
}
