import fc from 'fast-check';
import type { Route } from '../../module/http/module-router';
import type { Objects } from './route-world';
import { amountText, formField, smallId } from './fuzz-values';

/**
 * The fields of each POST route whose form declares none (admin forms declare theirs through
 * their schema: Route.fields). A new client-area form needs a line here, or the fuzz suite fails.
 */
export const FORM_FIELDS: Record<string, readonly string[]> = {
  'client serviceManagerConfirm': ['affid', 'replace'],
  'client serviceManagerRevoke': ['reason'],
  'client agentContactSave': ['publish_email', 'publish_phone'],
  'client signInAsClient': ['client_id'],
  'client signInReturn': [],
  'client submitApplication': ['program', 'legal_status', 'tax_id', 'agreement', 'signed_agreement'],
  'client withdrawApplication': ['application_id'],
  'client createQuote': ['client_id', 'email', 'product_0', 'quantity_0', 'product_1', 'quantity_1'],
  'client sendQuote': ['quote_id'],
  'client registerDomain': ['domain', 'customer'],
  'client removeDomain': ['registration_id'],
  'client withdraw': ['amount'],
  'client savePayoutMethod': ['kind', 'holder', 'iban', 'account_number', 'bank_code', 'phone', 'email'],
  'client cancelWithdrawal': ['withdrawal_id'],
  'client requestSlug': ['slug'],
  'client saveReport': ['name', 'period', 'from', 'to', 'group', 'program', 'source', 'country'],
  'client deleteReport': ['id'],
  'client saveTaxProfile': ['legal_status', 'tax_id', 'residency', 'exemption_ref', 'exemption_valid_until'],
  // The file itself cannot be fuzzed as a form field: sent as text, it is no file (422).
  'client uploadExemptionCertificate': ['certificate'],
  'admin createEventSource': ['name'],
  'admin revokeEventSource': ['id'],
  'admin createWebhook': ['url', 'description', 'referral_created', 'commission_created', 'commission_available', 'commission_reversed', 'payout_paid', 'agent_tier_changed', 'agent_blocked'],
  'admin disableWebhook': ['id'],
  'admin replayWebhook': ['delivery_id'],
  'admin createApiKey': ['name', 'scopes', 'expires'],
  'admin revokeApiKey': ['id'],
  // Payout batches (issue 15): their forms also declare these through their schemas.
  'admin createPayoutBatch': ['program_id', 'currency', 'method', 'cut_off', 'pay_currency'],
  'admin excludePayoutLine': ['batch_id', 'line_id', 'reason'],
  'admin approvePayoutBatch': ['batch_id'],
  'admin markPayoutBatchPaid': ['batch_id', 'reference', 'line_id'],
  'admin markPayoutBatchFailed': ['batch_id', 'reason', 'line_id'],
};

/** What the pages read from their address besides `action`; a page not listed gets `done` and `id`. */
const QUERY_FIELDS: Record<string, readonly string[]> = {
  'client serviceManager': ['affid'],
  'client apply': ['program', 'done'],
  'client index': ['withdrawal', 'signin', 'period', 'from', 'to'],
  'client reports': ['period', 'from', 'to', 'group', 'program', 'source', 'country', 'done'],
  'client report': ['id', 'done'],
  'client reportCsv': ['period', 'from', 'to', 'group', 'program', 'source', 'country', 'bom'],
  'client payoutSettings': ['done'],
  'client quotes': ['done', 'id'],
  'client assets': ['src'],
  'client links': ['landing', 'src', 'product', 'slug'],
  'client commissions': ['from', 'to', 'status', 'program', 'source', 'page'],
  'client commission': ['id'],
  'client referrals': ['q', 'state', 'sort', 'page'],
  'client referral': ['id', 'page'],
  'client payouts': ['withdrawal', 'cancelled'],
  'client terms': [],
  'client managed': ['signin'],
  'admin index': ['verify', 'client_id', 'done'],
  'admin agents': ['client_id', 'done'],
  'admin programs': ['verify', 'done'],
  'admin emailLog': ['status'],
  'admin programReport': ['period', 'from', 'to', 'export', 'bom'],
  'admin searchPeople': ['q', 'kind'],
  'admin signInAudit': ['agent_id'],
  'client taxCertificate': ['year'],
  'client payoutStatement': ['id'],
  'admin taxCertificate': ['agent_id', 'year'],
  'client exemptionCertificateFile': ['id'],
  'admin exemptionCertificateFile': ['id'],
  'admin taxReport': ['from', 'to'],
  'admin payouts': ['cut_off'],
  'admin payoutBatch': ['id', 'done'],
  'admin payoutBatchFile': ['id'],
};

/** The fields a route's form or address carries, or null when a POST route has no line anywhere. */
export function fieldsOf(route: Route): readonly string[] | null {
  const key = `${route.area} ${route.action}`;
  if (route.method === 'GET') return QUERY_FIELDS[key] ?? ['done', 'id'];
  return route.fields.length ? route.fields : (FORM_FIELDS[key] ?? null);
}

/** A value that could be right for a field of this name: real ids of anyone's objects, good amounts, words the rules know. */
function plausible(field: string, o: Objects): fc.Arbitrary<string> {
  const ids = Object.values(o).map(String);
  if (/_id$|^id$|^affid$|^to_agent$|^withdrawal$|^product_\d$/.test(field)) return fc.oneof(smallId, fc.constantFrom(...ids));
  const words: Record<string, fc.Arbitrary<string>> = {
    amount: amountText,
    quantity_0: fc.constantFrom('1', '100', '101', '0'),
    quantity_1: fc.constantFrom('1', '2'),
    slug: fc.constantFrom('ann-links', 'cloud-deals', 'go', 'admin', 'ab', 'x'.repeat(33), 'Ann Links'),
    domain: fc.constantFrom('acme-widgets.example', 'mail.acme-widgets.example', 'gmail.com', 'co.uk', 'ACME-WIDGETS.EXAMPLE.', 'xn--80ak6aa92e.com', 'billing.test', 'пример.рф'),
    email: fc.constantFrom('anyone@example.com', 'ann@example.com', 'Ann+tag@Example.com', 'not-an-email'),
    landing: fc.constantFrom('/', '/cart.php?a=add&pid=1', 'https://evil.example/', '//evil.example', 'javascript:alert(1)'),
    month: fc.constantFrom('2026-01', '2026-13', '1999-12'),
    met: fc.constantFrom('yes', 'no'),
    rate: fc.constantFrom('10', '12.5', '100', '100.01', '-5'),
    tier: fc.constantFrom('default', 'gold', 'none'),
    certification: fc.constantFrom('basic', 'intermediate', 'advanced', 'expert'),
    key: fc.uuid(),
    program: fc.constantFrom('default', 'cloudlessons', 'nope'),
    legal_status: fc.constantFrom('sole_proprietor', 'company', 'self_employed', 'pirate'),
    tax_id: fc.constantFrom('1234567890', '123456789012', '123', 'A123456789Z', '7707083893', '=1+1'),
    slug_approval: fc.constantFrom('admin', 'auto', 'never'),
    self_referral: fc.constantFrom('reject', 'flag', 'allow'),
    link_hosts: fc.constantFrom('', 'shop.example.com', 'billing.test\nevil.example', '*'),
    definition: fc.constantFrom('slug: [', 'slug: fuzz', '{}', 'a: &a [x, x]\nb: [*a, *a]'),
    signin: fc.constantFrom('ended'),
    verify: fc.constantFrom('1'),
    residency: fc.constantFrom('KE', 'RU', 'DE', 'ke', 'XX', 'Kenya', ''),
    year: fc.constantFrom('2026', '1999', '20260', 'last'),
    exemption_valid_until: fc.constantFrom('2026-12-31', '2026-02-30', 'soon', ''),
    q: fc.constantFrom('an', 'a', 'ann@example.com', '<script>', '%_', 'Ann Example'),
    kind: fc.constantFrom('agent', 'client', 'admin'),
    status: fc.constantFrom('failed', 'sent'),
    period: fc.constantFrom('7d', '30d', '90d', '12m', 'custom', 'forever'),
    from: fc.constantFrom('2026-01-01', '2026-13-01', 'yesterday', ''),
    to: fc.constantFrom('2026-01-31', '2025-12-31', ''),
    export: fc.constantFrom('liability', 'due', 'scheduled', 'top', 'funnel', 'secrets'),
    bom: fc.constantFrom('1', '0'),
  };
  return words[field] ?? fc.constantFrom('yes', 'fuzz', 'A reason that is fine');
}

export interface FuzzCase {
  route: Route;
  values: Record<string, string | string[]>;
}

/** A route's form or address filled with plausible, hostile and missing values, and now and then a field no form has. */
export function fuzzCase(route: Route, fields: readonly string[], o: Objects): fc.Arbitrary<FuzzCase> {
  const shape: Record<string, fc.Arbitrary<string | string[] | undefined>> = {};
  for (const f of fields) shape[f] = formField(plausible(f, o));
  shape.unknown_field = fc.option(fc.constantFrom('1', 'x'), { nil: undefined });
  return fc.record(shape).map((r) => {
    const values: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(r)) if (v !== undefined) values[k] = v;
    return { route, values };
  });
}

/** Values as an address's query, each repeated field once per value. */
export function queryOf(values: Record<string, string | string[]>): string {
  return Object.entries(values)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`))
    .join('&');
}
