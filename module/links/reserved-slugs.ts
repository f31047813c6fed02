/**
 * Words no agent may take as a vanity slug (/go/<slug>): the site's own paths and names a visitor
 * could mistake for the provider speaking (support, billing, admin…). Kept here, in one place, so
 * that adding one is a one-line change; compared after lower-casing.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'admin', 'administrator', 'api', 'go', 'aff', 'login', 'logout', 'register', 'signup', 'index',
  'www', 'mail', 'billing', 'support', 'help', 'clientarea', 'cart', 'checkout', 'order', 'invoice',
  'account', 'assets', 'static', 'root', 'system', 'staff', 'security', 'abuse', 'official',
  'agenttools', 'affiliate', 'affiliates', 'partner', 'partners', 'null', 'undefined',
]);
