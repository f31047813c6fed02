/** The tiers capability: requirements measured and ticked, the evaluation, the history (issue #11). */
export { TierEvaluationService, type EvaluationRun } from './evaluation-service';
export { TierChanges } from './tier-changes';
export { TierHistory, type TierChange } from './history';
export { ChecklistStore, type ChecklistState } from './checklist';
export { TierMail } from './tier-mail';
export { TierView, type TierPanel } from './tier-view';
export { tierAdminActions } from './tier-admin-controller';
export type { ClientReassigner } from './client-reassigner';
export { measure, type Figures } from './measurement';
