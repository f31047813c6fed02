// What other capabilities use of agents besides the agent service: how a referral code is read,
// and taking back a paid order from an agent's count.
export { referralCodeText } from './referral-code';
export { uncountPaidOrders } from './paid-orders';
// The agent's client-area pages: the signed-in agent and its program, or the "not an agent" page.
export { agentForForm, agentForPage, notFound, type AgentPageDeps, type SignedInAgent } from './agent-page';
// Which language a client or agent reads the module in (pages, panels, e-mails).
export type { ReaderLanguage } from './reader-language';
