import crypto from 'node:crypto';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, startHost } from './support/host-fixture';
import { ROLES, type Objects, type Role, type RouteWorld, routeWorld } from './support/route-world';
import type { Route } from '../module/http/module-router';

/**
 * The order the roles ask in: those whose answer may end another's state (the client revokes the
 * grant, the owner signs in as the client) go last, so that every cell sees the world as set up.
 */
const ASKING: Role[] = ['anonymous', 'another agent', 'agent as client', 'admin', 'owning agent', 'client'];
type Answers = [anonymous: number, client: number, anotherAgent: number, owningAgent: number, agentAsClient: number, admin: number];

interface Row {
  answers: Answers;
  /** The query after `action=`, and the form a POST sends (with a valid CSRF token). */
  query?: (o: Objects) => string;
  form?: (o: Objects, role: Role) => Record<string, string | number>;
}
const row = (answers: Answers, object: Omit<Row, 'answers'> = {}): Row => ({ answers, ...object });
/** An admin route: everyone else is sent to the admin login. */
const admin = (answer: number, object: Omit<Row, 'answers'> = {}): Row => row([302, 302, 302, 302, 302, answer], object);

/*
 * One line per route: `${area} ${action}`, then the answer for each role. Anonymous visitors go
 * to the area's login (302); the admin area sends everyone but the admin to the admin login
 * (302). In the client area a plain client sees "not an agent" pages (200) and is refused agent
 * forms (422); a service manager signed in as the client is refused (403) whatever the client
 * has not granted; another agent never reaches the owner's object (404, or 422 beside the field).
 *
 *                                      anonymous client  other   owner   as-client admin
 */
// prettier-ignore
const MATRIX: Record<string, Row> = {
  'client serviceManager':             row([302, 200, 200, 200, 403, 302], { query: (o) => `affid=${o.ann}` }),
  'client serviceManagerConfirm':      row([302, 303, 303, 422, 403, 302], { form: (o) => ({ affid: o.ann }) }),
  'client serviceManagerDetails':      row([302, 200, 200, 200, 403, 302]),
  'client serviceManagerRevoke':       row([302, 303, 422, 422, 403, 302], { form: () => ({ reason: 'matrix' }) }),
  'client agentContact':               row([302, 200, 200, 200, 403, 302]),
  'client agentContactSave':           row([302, 200, 303, 303, 403, 302], { form: () => ({ publish_email: 'yes' }) }),
  'client signInAsClient':             row([302, 422, 422, 303, 403, 302], { form: (o) => ({ client_id: o.wanjiru }) }),
  'client signInReturn':               row([302, 303, 303, 303, 303, 302]),
  'client apply':                      row([302, 200, 200, 200, 403, 302]),
  'client submitApplication':          row([302, 422, 422, 422, 403, 302], { form: () => ({ program: 'default' }) }),
  'client withdrawApplication':        row([302, 404, 404, 404, 403, 302], { form: () => ({ application_id: 1 }) }),
  'client quotes':                     row([302, 422, 200, 200, 403, 302]),
  'client createQuote':                row([302, 422, 422, 303, 403, 302], { form: (o) => ({ client_id: o.wanjiru, product_0: o.product }) }),
  'client sendQuote':                  row([302, 422, 404, 303, 403, 302], { form: (o) => ({ quote_id: o.quote }) }),
  'client domains':                    row([302, 422, 403, 403, 403, 302]),
  'client registerDomain':             row([302, 422, 403, 403, 403, 302], { form: () => ({ domain: 'matrix-widgets.example' }) }),
  'client removeDomain':               row([302, 422, 403, 403, 403, 302], { form: (o) => ({ registration_id: o.registration }) }),
  'client assets':                     row([302, 200, 200, 200, 403, 302]),
  'client index':                      row([302, 200, 200, 200, 200, 302]),
  'client links':                      row([302, 200, 200, 200, 200, 302]),
  'client commissions':                row([302, 200, 200, 200, 200, 302]),
  'client commission':                 row([302, 200, 404, 200, 200, 302], { query: (o) => `id=${o.commission}` }),
  'client referrals':                  row([302, 200, 200, 200, 200, 302]),
  'client referral':                   row([302, 200, 404, 200, 200, 302], { query: (o) => `id=${o.wanjiru}` }),
  'client payouts':                    row([302, 200, 200, 200, 200, 302]),
  'client terms':                      row([302, 200, 200, 200, 200, 302]),
  'client managed':                    row([302, 200, 200, 200, 403, 302]),
  'client withdraw':                   row([302, 422, 422, 422, 422, 302], { form: () => ({ amount: '50.00' }) }),
  'client payoutSettings':             row([302, 200, 200, 200, 403, 302]),
  'client savePayoutMethod':           row([302, 422, 303, 303, 403, 302], { form: () => ({ kind: 'bank', holder: 'Matrix Agent', iban: 'DE89 3704 0044 0532 0130 00' }) }),
  'client cancelWithdrawal':           row([302, 422, 422, 422, 403, 302], { form: () => ({ withdrawal_id: 999_999 }) }),
  // Tax (issue 15): a plain client is no agent (422); a statement of a payout that is not the agent's is not there (404).
  'client taxProfile':                 row([302, 422, 200, 200, 403, 302]),
  'client saveTaxProfile':             row([302, 422, 303, 303, 403, 302], { form: () => ({ legal_status: 'individual', residency: 'KE', tax_id: 'A123456789Z' }) }),
  'client taxCertificate':             row([302, 422, 200, 200, 403, 302], { query: () => 'year=2026' }),
  'client payoutStatement':            row([302, 422, 404, 404, 403, 302], { query: () => 'id=999999' }),
  // The exemption certificate (issue 15): no file sent is refused beside the field (422); one not the agent's is not there (404).
  'client uploadExemptionCertificate': row([302, 422, 422, 422, 403, 302], { form: () => ({ note: 'matrix' }) }),
  'client exemptionCertificateFile':   row([302, 422, 404, 404, 403, 302], { query: () => 'id=999999' }),
  // The agent's Reports (issue 13): each agent's own figures and saved reports; another's saved report is not there (404).
  'client reports':                    row([302, 200, 200, 200, 200, 302], { query: () => 'period=7d&group=source' }),
  'client report':                     row([302, 404, 404, 404, 404, 302], { query: () => 'id=999999' }),
  'client reportCsv':                  row([302, 200, 200, 200, 200, 302], { query: () => 'period=30d&group=country' }),
  'client saveReport':                 row([302, 422, 303, 303, 403, 302], { form: (_o, role) => ({ name: `Matrix ${role}`, period: '30d', group: 'day' }) }),
  'client deleteReport':               row([302, 422, 404, 404, 403, 302], { form: () => ({ id: 999_999 }) }),
  'client requestSlug':                row([302, 422, 303, 303, 403, 302], { form: (_o, role) => ({ slug: `${role.replace(/ /g, '-')}-links` }) }),
  'admin index':                       admin(200),
  'admin agent':                       admin(200, { query: (o) => `id=${o.cy}` }),
  'admin domains':                     admin(200),
  'admin removeDomain':                admin(303, { form: (o) => ({ registration_id: o.registration, reason: 'matrix' }) }),
  'admin creatives':                   admin(200),
  'admin uploadCreative':              admin(422, { form: () => ({ name: 'Banner', alt: 'Banner', landing: '/' }) }),
  'admin addTextCreative':             admin(303, { form: () => ({ name: 'Text', link_text: 'Our servers', landing: '/' }) }),
  'admin archiveCreative':             admin(303, { form: (o) => ({ creative_id: o.creative }) }),
  'admin client':                      admin(200, { query: (o) => `id=${o.eve}` }),
  'admin setClientAgent':              admin(303, { form: (o) => ({ client_id: o.eve, agent_id: o.cy, reason: 'matrix' }) }),
  'admin setOrderAgent':               admin(422, { form: (o) => ({ client_id: o.eve, order_id: 999_999, agent_id: o.cy, reason: 'matrix' }) }),
  'admin signInAudit':                 admin(200, { query: (o) => `agent_id=${o.ann}` }),
  'admin activateAgent':               admin(303, { form: (o) => ({ client_id: o.fay, program_id: o.program }) }),
  'admin setAgentTerms':               admin(303, { form: (o) => ({ agent_id: o.cy, certification: 'basic' }) }),
  'admin reactivateAgent':             admin(303, { form: (o) => ({ agent_id: o.dee }) }),
  // The host contract reads no invoice line by its id, so a line the host does not know is taken too.
  'admin recordPerformer':             admin(303, { form: (o) => ({ agent_id: o.cy, invoice_line_id: 999_999 }) }),
  'admin setTargets':                  admin(303, { form: (o) => ({ agent_id: o.cy, month: '2026-01', met: 'yes', reason: 'matrix' }) }),
  'admin setChecklist':                admin(303, { form: (o) => ({ agent_id: o.cy }) }),
  'admin overrideTier':                admin(422, { form: (o) => ({ agent_id: o.cy, tier: 'gold', reason: 'matrix' }) }),
  'admin blockAgent':                  admin(303, { form: (o) => ({ agent_id: o.dee, reason: 'matrix' }) }),
  'admin manualCommission':            admin(303, { form: (o) => ({ agent_id: o.cy, amount: '10.00', reason: 'matrix', key: crypto.randomUUID() }) }),
  'admin assignClient':                admin(303, { form: (o) => ({ agent_id: o.cy, client_id: o.gus, reason: 'matrix' }) }),
  'admin keepReferral':                admin(422, { form: () => ({ review_id: 999_999 }) }),
  'admin rejectReferral':              admin(422, { form: () => ({ review_id: 999_999, reason: 'matrix' }) }),
  'admin approveReferralMove':         admin(422),
  'admin declineReferralMove':         admin(422),
  'admin unassignClient':              admin(303, { form: (o) => ({ agent_id: o.cy, client_id: o.gus, reason: 'matrix' }) }),
  'admin assignUnassigned':            admin(422, { form: (o) => ({ client_id: o.wanjiru, to_agent: 999_999, reason: 'matrix' }) }),
  'admin rejectWithdrawal':            admin(422, { form: () => ({ withdrawal_id: 999_999, reason: 'matrix' }) }),
  'admin cancelWithdrawal':            admin(422, { form: () => ({ withdrawal_id: 999_999, reason: 'matrix' }) }),
  'admin agentTax':                    admin(200, { query: (o) => `id=${o.cy}` }),
  'admin saveAgentTax':                admin(303, { form: (o) => ({ agent_id: o.cy, legal_status: 'company', residency: 'RU', tax_id: '7707083893' }) }),
  'admin taxCertificate':              admin(200, { query: (o) => `agent_id=${o.cy}&year=2026` }),
  'admin payoutStatement':             admin(404, { query: () => 'id=999999' }),
  'admin exemptionCertificateFile':    admin(404, { query: () => 'id=999999' }),
  'admin taxReport':                   admin(200, { query: () => 'from=2026-01-01&to=2026-01-31' }),
  'admin markPaid':                    admin(422, { form: () => ({ withdrawal_id: 999_999 }) }),
  'admin approveSlug':                 admin(303, { form: (o) => ({ agent_id: o.ann }) }),
  'admin rejectSlug':                  admin(303, { form: (o) => ({ agent_id: o.ben }) }),
  'admin setSignUpSettings':           admin(303, { form: () => ({ slug_approval: 'admin', self_referral: 'reject' }) }),
  'admin setLinkHosts':                admin(303, { form: () => ({ link_hosts: '' }) }),
  'admin loadProgram':                 admin(422, { form: () => ({ definition: 'slug: [' }) }),
  'admin applications':                admin(200),
  'admin whatIf':                      admin(200),
  'admin whatIfRun':                   admin(422, { form: () => ({ program_id: 999_999, definition: 'slug: [', from: '2026-01-01', to: '2026-01-31' }) }),
  'admin approveApplication':          admin(422, { form: () => ({ application_id: 999_999 }) }),
  'admin rejectApplication':           admin(422, { form: () => ({ application_id: 999_999, reason: 'matrix' }) }),
  'admin eventSources':                admin(200),
  'admin createEventSource':           admin(200, { form: () => ({ name: 'matrix' }) }),
  'admin revokeEventSource':           admin(422),
  'admin webhooks':                    admin(200),
  'admin createWebhook':               admin(200, { form: () => ({ url: 'http://127.0.0.1:1/hooks', description: 'matrix', payout_paid: '1' }) }),
  'admin disableWebhook':              admin(422),
  'admin webhookDeliveries':           admin(200),
  'admin replayWebhook':               admin(422),
  'admin apiKeys':                     admin(200),
  'admin createApiKey':                admin(200, { form: () => ({ name: 'matrix', scopes: 'agents:read' }) }),
  'admin revokeApiKey':                admin(422),
  // The admin area's pages (issue #13): the inbox is `index`; the rest of the old home page, split.
  'admin agents':                      admin(200, { query: (o) => `client_id=${o.fay}` }),
  'admin withdrawals':                 admin(200),
  'admin reviews':                     admin(200),
  'admin shortLinks':                  admin(200),
  'admin programs':                    admin(200, { query: () => 'verify=1' }),
  'admin settings':                    admin(200),
  'admin emailLog':                    admin(200, { query: () => 'status=failed' }),
  'admin programReport':               admin(200, { query: () => 'period=90d' }),
  'admin searchPeople':                admin(200, { query: () => 'kind=client&q=example' }),
  // Payout batches (issue 15): the due list and batches; a batch that does not exist is refused beside the field.
  'admin payouts':                     admin(200, { query: () => 'cut_off=2026-12-31' }),
  'admin payoutBatch':                 admin(404, { query: () => 'id=999999' }),
  'admin payoutBatchFile':             admin(422, { query: () => 'id=999999' }),
  'admin createPayoutBatch':           admin(422, { form: () => ({ program_id: 999999, currency: 'USD', method: 'bank', cut_off: '2026-12-31' }) }),
  'admin excludePayoutLine':           admin(422, { form: () => ({ batch_id: 999999, line_id: 1, reason: 'matrix' }) }),
  'admin approvePayoutBatch':          admin(422, { form: () => ({ batch_id: 999999 }) }),
  'admin markPayoutBatchPaid':         admin(422, { form: () => ({ batch_id: 999999, reference: 'matrix' }) }),
  'admin markPayoutBatchFailed':       admin(422, { form: () => ({ batch_id: 999999, reason: 'matrix' }) }),
};

onEachDatabase('the authorization matrix: every client-area and admin route × every role', ({ current }) => {
  let f: Fixture;
  let world: RouteWorld;
  let routes: Route[];

  before(async () => {
    f = await startHost(current().db);
    world = await routeWorld(f);
    routes = f.host.agentTools.routes();
  });
  after(() => f.host.stop());

  async function answer(role: Role, route: Route, r: Row | undefined): Promise<number> {
    return (await world.ask(role, route, r?.query?.(world.o) ?? '', r?.form?.(world.o, role) ?? {})).status;
  }

  it('every route has a line in the matrix, and every line names a route', () => {
    const named = new Set(routes.map((r) => `${r.area} ${r.action}`));
    const missing = [...named].filter((k) => !MATRIX[k]);
    const stale = Object.keys(MATRIX).filter((k) => !named.has(k));
    expect(missing, `add a line to MATRIX in test/authorization-matrix.test.ts for each of: ${missing.join(', ')}`).to.deep.equal([]);
    expect(stale, 'these lines name no route any more').to.deep.equal([]);
  });

  it('each role gets the answer its line says, on every route', async function () {
    this.timeout(300_000);
    const got: string[] = [];
    const want: string[] = [];
    for (const route of routes) {
      const key = `${route.area} ${route.action}`;
      const r = MATRIX[key];
      const byRole = new Map<Role, number>();
      for (const role of ASKING) byRole.set(role, await answer(role, route, r));
      const answers = ROLES.map((role) => byRole.get(role));
      await world.restore();
      got.push(`${key} (${route.method}): ${answers.join(' ')}`);
      want.push(`${key} (${route.method}): ${r ? r.answers.join(' ') : 'no line in MATRIX'}`);
    }
    if (process.env.AGENTTOOLS_MATRIX_PRINT) console.log(got.join('\n'));
    expect(got).to.deep.equal(want);
    console.log(`      ${routes.length} routes × ${ROLES.length} roles = ${routes.length * ROLES.length} cells`);
  });
});
