import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import { RuleError } from '../core/errors';
import type { Actions } from '../http/action';
import { idField as id } from '../http/forms';
import type { AdminPageForm } from '../http/admin-page-form';
import type { ProgramService } from '../programs/program-service';
import { checklistItems } from '../programs/tiers-definition';
import type { AgentService } from '../agents/agent-service';
import type { ChecklistStore } from './checklist';
import type { TierChanges } from './tier-changes';

const forms = {
  // The items are the program's: read from the body beside agent_id and checked against the program.
  checklist: z.looseObject({ agent_id: id }),
  override: z.object({ agent_id: id, tier: z.string().min(1, 'adminarea.error.choose_tier'), reason: z.string().max(255, 'adminarea.error.at_most_255') }),
};

/** The admin's forms on the agent's page: the requirements checklist, and setting the tier with a reason. */
export function tierAdminActions(
  form: AdminPageForm,
  agents: Pick<AgentService, 'get'>,
  programs: Pick<ProgramService, 'get'>,
  checklists: Pick<ChecklistStore, 'set'>,
  changes: Pick<TierChanges, 'override'>,
): Actions<HostAdmin> {
  return {
    setChecklist: form('checklist', forms.checklist, async (admin, v) => {
      const agent = await agents.get(v.agent_id);
      if (!agent) throw new RuleError('errors.agent_missing', 'agent_id', { agent: v.agent_id });
      const program = await programs.get(agent.programId);
      if (!program) throw new Error(`program ${agent.programId} of agent ${agent.id} is missing`);
      const answers: Record<string, string> = {};
      for (const [key, value] of Object.entries(v)) if (typeof value === 'string') answers[key] = value;
      await checklists.set(agent.id, checklistItems(program.def.tiers), answers, `admin:${admin.id}`);
      return 'checklist';
    }),

    overrideTier: form('tier_override', forms.override, async (admin, v) => {
      await changes.override(v.agent_id, v.tier, v.reason, `admin:${admin.id}`);
      return 'tier_override';
    }),
  };
}
