import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Core } from '../agenttools';
import { RuleError } from '../core/errors';
import { REFERRAL_COOKIE } from '../tracking/referral-cookie';
import { deepLinkTarget } from '../tracking/deep-link';
import { isHttps, referer, sendLinkRedirect, visitorIp } from '../tracking/link-http';
import { clientActions } from './client-controller';
import { adminActions } from './admin-controller';
import { ADMIN_AREA, CLIENT_AREA, CODE_LINK } from './paths';
import { escapeHtml } from './render';
import { readCookie } from './cookie-header';
import { liveSignIn } from '../sign-in/sign-in-guard';
import type { ClientPermission } from '../service-managers/permissions';

export interface Action<Who> {
  method: 'GET' | 'POST';
  /**
   * For a service manager signed in as the client: the permission the client must have granted.
   * Unset means never (the safe default); 'always' is only for the way back to the agent panel.
   */
  asClient?: ClientPermission | 'always';
  run(core: Core, who: Who, req: Request, res: Response): Promise<void>;
}

/**
 * The referral link: count the click, set the cookie, send the visitor on — home, or to the deep
 * link's `to=` when it is safe. Nothing here waits for the database once the agent is cached.
 */
export function linkRouter(core: Core): Router {
  const router = express.Router();
  const follow = async (req: Request, res: Response, rawAgentId: unknown) => {
    // Express parses the query string again on every read of req.query: read it once.
    const query = req.query;
    const outcome = await core.tracking.click(
      rawAgentId,
      {
        ip: visitorIp(req),
        userAgent: req.headers['user-agent'] ?? '',
        referer: referer(req),
        referralCookie: readCookie(req.headers.cookie, REFERRAL_COOKIE),
      },
      query.src,
    );
    const to = query.to === undefined ? '/' : deepLinkTarget(query.to, core.linkHosts.current());
    sendLinkRedirect(res, to, outcome.cookie && { ...outcome.cookie, secure: isHttps(req) });
  };
  router.get('/aff.php', async (req, res, next) => {
    try {
      await follow(req, res, req.query.aff);
    } catch (e) {
      next(e);
    }
  });
  // A vanity link is /aff.php?aff=<its agent> by another name; an unknown or unapproved slug
  // goes home with no cookie, whatever else the link asks for.
  router.get('/go/:slug', async (req, res, next) => {
    try {
      const agentId = await core.slugCache.lookup(String(req.params.slug).toLowerCase(), core.clock.now());
      if (agentId === null) return sendLinkRedirect(res, '/', null);
      await follow(req, res, String(agentId));
    } catch (e) {
      next(e);
    }
  });
  router.get(`${CODE_LINK}:code`, async (req, res, next) => {
    try {
      const agentId = await core.codeCache.lookup(String(req.params.code), core.clock.now());
      if (agentId === null) return sendLinkRedirect(res, '/', null);
      await follow(req, res, String(agentId));
    } catch (e) {
      next(e);
    }
  });
  return router;
}

/**
 * The module's HTTP surface at its WHMCS addresses. A dispatcher picks the controller action by
 * `action`; state-changing actions answer only POST and only with the session's CSRF token.
 */
export function moduleRouter(core: Core): Router {
  const router = express.Router();

  router.all('/index.php', (req, res, next) => {
    if (req.query.m !== 'agenttools') return next();
    const user = core.host.http.currentUser(req);
    if (!user) return res.redirect(302, core.host.http.loginUrl('client', req.originalUrl));
    return dispatch(core, 'client', clientActions, user, req, res, next);
  });

  router.all('/admin/addonmodules.php', (req, res, next) => {
    if (req.query.module !== 'agenttools') return next();
    const admin = core.host.http.currentAdmin(req);
    if (!admin) return res.redirect(302, core.host.http.loginUrl('admin', req.originalUrl));
    return dispatch(core, 'admin', adminActions, admin, req, res, next);
  });

  return router;
}

async function dispatch<Who>(
  core: Core,
  area: 'client' | 'admin',
  actions: Record<string, Action<Who>>,
  who: Who,
  req: Request,
  res: Response,
  next: NextFunction,
): Promise<void> {
  // WHMCS links name the page with t= (index.php?m=agenttools&t=serviceManager); forms use action=.
  const asked = req.query.action ?? req.query.t;
  const name = typeof asked === 'string' ? asked : 'index';
  const action = Object.prototype.hasOwnProperty.call(actions, name) ? actions[name] : undefined;
  const page = (status: number, text: string) =>
    core.host.http.sendPage(req, res, { area, title: 'Agent Tools', breadcrumb: [{ label: 'Agent Tools', href: area === 'client' ? CLIENT_AREA : ADMIN_AREA }], html: `<p class="alert">${escapeHtml(text)}</p>`, status });
  if (!core.active) return page(503, 'Agent Tools is not active.');
  if (!action) return page(404, 'There is no such page.');
  if (req.method !== action.method && !(action.method === 'GET' && req.method === 'HEAD')) {
    res.set('Allow', action.method);
    core.logger.warn('refused: wrong method', { action: name, method: req.method });
    return page(405, 'This action needs a form submission.');
  }
  if (req.method === 'POST' && !core.host.http.verifyCsrf(req)) {
    core.logger.warn('refused: missing or wrong CSRF token', { action: name });
    return page(403, 'The form has expired. Go back, reload the page and try again.');
  }
  const signIn = liveSignIn(res);
  if (signIn && action.asClient !== 'always' && !(action.asClient && signIn.permissions.includes(action.asClient))) {
    await core.signIns.audit(signIn, 'refused', `Agent Tools ${name}`, req.ip ?? '');
    return page(403, 'The client has not allowed their service manager to do this.');
  }
  try {
    await action.run(core, who, req, res);
  } catch (e) {
    if (e instanceof RuleError) return page(422, e.message);
    next(e);
  }
}
