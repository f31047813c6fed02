import { expect } from 'chai';
import type { Host } from '../../host/app';
import { session, type Session } from './host-fixture';

const AREA = '/index.php?m=agenttools';
const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';

/** The admin sets what a sign-up that looks like the agent's own does: refused, or flagged for review. */
export async function setSelfReferralMode(admin: Session, mode: 'reject' | 'flag'): Promise<void> {
  const res = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=setSignUpSettings`, { slug_approval: 'admin', self_referral: mode });
  expect(res.status).to.equal(303);
}

/** A browser the agent has used their agent pages from (so it carries their device cookie), signed out again. */
export async function agentBrowser(host: Host, email: string): Promise<Session> {
  const s = await session(host, { email });
  expect((await s.agent.get(AREA)).status).to.equal(200);
  expect((await s.post('/', '/logout', {})).status).to.equal(303);
  return s;
}
