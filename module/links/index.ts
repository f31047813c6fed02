// What other capabilities use of links besides the slug service: what an agent's page offers to
// share, and the setting that says whether a short link waits for an admin.
export { agentLinks, type AgentLinks } from './agent-links';
export { SLUG_APPROVALS, SLUG_APPROVAL_SETTING } from './vanity-slug';
