import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Core } from '../agenttools';
import type { ClientPermission } from '../service-managers/permissions';
import type { SignIn } from './sign-in-service';
import { CLIENT_AREA } from '../http/paths';

const LIVE = 'agentToolsSignIn';

/** The live sign-in-as-client of this request, once the guard has let it through. */
export function liveSignIn(res: Response): SignIn | null {
  return (res.locals[LIVE] as SignIn | undefined) ?? null;
}

/**
 * Runs before every page of the host. In a sign-in-as-client session it asks whether the session
 * may go on — not expired, the agent not blocked, the client's grant still there — and otherwise
 * ends it and sends the agent back to their own panel without doing what was asked. Each
 * state-changing request of a live session is written to the audit log with its outcome.
 */
export function signInGuard(core: Core): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const state = core.host.http.signInAs(req);
    if (!state) return next();
    const ip = req.ip ?? '';
    void (async () => {
      const s = await core.signIns.live(state.signInId, ip);
      if (!s) {
        await core.host.http.endSignInAs(req);
        return res.redirect(303, `${CLIENT_AREA}&signin=ended`);
      }
      res.locals[LIVE] = s;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.on('finish', () => {
          void core.signIns.audit(s, `${req.method} ${req.originalUrl}`, `answered ${res.statusCode}`, ip).catch((e) => core.logger.error('sign-in audit not written', { error: String(e) }));
        });
      }
      next();
    })().catch(next);
  };
}

/**
 * For the host's routes: in a sign-in-as-client session, only what the client granted. 'never'
 * marks what no agent may do as the client (password, security, payment methods, the grant).
 */
export function requireClientPermission(core: Core, permission: ClientPermission | 'never'): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const s = liveSignIn(res);
    if (!s || (permission !== 'never' && s.permissions.includes(permission))) return next();
    void core.signIns.audit(s, 'refused', `${req.method} ${req.originalUrl} needs ${permission}`, req.ip ?? '').catch(() => undefined);
    core.host.http.sendPage(req, res, {
      area: 'client',
      title: 'Not allowed',
      breadcrumb: [],
      html: '<p class="alert">The client has not allowed their service manager to do this.</p>',
      status: 403,
    });
  };
}
