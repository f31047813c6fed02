import { csrfSync } from 'csrf-sync';

/**
 * The synchroniser-token CSRF check: one token per session, sent back in each form's `_csrf`
 * field. Shared by the middleware (install.ts) and the HostApi, which hands the token to the
 * module's forms and answers the module's own check.
 */
export const csrf = csrfSync({
  getTokenFromRequest: (req) => {
    const body: unknown = req.body;
    return typeof body === 'object' && body !== null && '_csrf' in body && typeof body._csrf === 'string' ? body._csrf : undefined;
  },
});
