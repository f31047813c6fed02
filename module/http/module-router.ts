import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { HostAdmin, HostHttp, HostUser } from '../contract/host-api';
import type { ClientPermission } from '../contract/permissions';
import type { Logger } from '../core/logger';
import { RuleError } from '../core/errors';
import type { Actions } from './action';
import type { Pages } from './pages';
import { liveSignIn, type LiveSignIn } from './live-sign-in';
import { chosenLanguage, setRequestLanguage } from './request-language';
import { ADMIN_AREA, CLIENT_AREA, adminAction, clientAction } from './paths';

export interface ModuleRouterDeps {
  http: HostHttp;
  logger: Logger;
  state: { readonly active: boolean };
  pages: Pages;
  /** Writes down that a service manager signed in as the client asked for what was not granted. */
  refusedAsClient(signIn: LiveSignIn, action: string, ip: string): Promise<void>;
  clientActions: Actions<HostUser>;
  adminActions: Actions<HostAdmin>;
  /**
   * The language of a client-area page: `chosen` is what the visitor picked in this browser
   * session (`?language=`), or the platform's session language (module/agents/reader-language.ts).
   */
  clientLanguage(user: HostUser, chosen: string | null): Promise<string>;
  /** The admin's own language in the admin area. */
  adminLanguage(admin: HostAdmin): string;
}

/**
 * The module's HTTP surface at its WHMCS addresses. A dispatcher picks the controller action by
 * `action`; state-changing actions answer only POST and only with the session's CSRF token.
 */
export function moduleRouter(deps: ModuleRouterDeps): Router {
  const router = express.Router();
  const { http } = deps;

  router.all('/index.php', (req, res, next) => {
    if (req.query.m !== 'agenttools') return next();
    const user = http.currentUser(req);
    if (!user) return res.redirect(302, http.loginUrl('client', returnTo(req, CLIENT_AREA)));
    deps
      .clientLanguage(user, chosenLanguage(req, res) ?? user.language ?? null)
      .then((language) => {
        setRequestLanguage(req, language);
        return dispatch(deps, 'client', deps.clientActions, user, req, res, next);
      })
      .catch(next);
  });

  router.all('/admin/addonmodules.php', (req, res, next) => {
    if (req.query.module !== 'agenttools') return next();
    const admin = http.currentAdmin(req);
    if (!admin) return res.redirect(302, http.loginUrl('admin', returnTo(req, ADMIN_AREA)));
    setRequestLanguage(req, deps.adminLanguage(admin));
    dispatch(deps, 'admin', deps.adminActions, admin, req, res, next).catch(next);
  });

  return router;
}

/**
 * Where the login sends the visitor back: the address asked for, unless it is too long to go
 * into a Location header (clients and proxies refuse headers of a few KB), then the area's home.
 */
const MAX_RETURN = 2048;
function returnTo(req: Request, home: string): string {
  return req.originalUrl.length <= MAX_RETURN ? req.originalUrl : home;
}

/** One route of the client area or the admin area, as dispatch reaches it. */
export interface Route {
  area: 'client' | 'admin';
  /** Its `action=` (a WHMCS link's `t=` reaches the same). */
  action: string;
  method: 'GET' | 'POST';
  path: string;
  /**
   * Who dispatch lets in: any signed-in client of the host, or an admin; anyone else goes to that
   * area's login. In the client area the controller then checks the rest: that the user is an
   * agent, and that the object the form names (its `fields`) is theirs.
   */
  signedIn: 'client' | 'admin';
  /** What a service manager signed in as the client needs granted to reach it. */
  asClient: ClientPermission | 'always' | 'never';
  /** The fields its form declares, when it declares them (admin forms): the ids name the object. */
  fields: readonly string[];
}

/** Every route of both areas, from the same tables dispatch reads, so that none is left out. */
export function routeTable(clientActions: Actions<HostUser>, adminActions: Actions<HostAdmin>): Route[] {
  const list = <Who>(area: 'client' | 'admin', actions: Actions<Who>): Route[] =>
    Object.entries(actions).map(([action, a]) => ({
      area,
      action,
      method: a.method,
      path: area === 'client' ? clientAction(action) : adminAction(action),
      signedIn: area,
      asClient: a.asClient ?? 'never',
      fields: a.fields ?? [],
    }));
  return [...list('client', clientActions), ...list('admin', adminActions)];
}

async function dispatch<Who>(deps: ModuleRouterDeps, area: 'client' | 'admin', actions: Actions<Who>, who: Who, req: Request, res: Response, next: NextFunction): Promise<void> {
  // WHMCS links name the page with t= (index.php?m=agenttools&t=serviceManager); forms use action=.
  const asked = req.query.action ?? req.query.t;
  const name = typeof asked === 'string' ? asked : 'index';
  const action = Object.prototype.hasOwnProperty.call(actions, name) ? actions[name] : undefined;
  const t = deps.pages.helpers(req).t;
  // The product's name is its own in every language.
  const page = (status: number, text: string) =>
    deps.pages.alert(req, res, { area, title: 'Agent Tools', breadcrumb: [{ label: 'Agent Tools', href: area === 'client' ? CLIENT_AREA : ADMIN_AREA }], status }, text);
  if (!deps.state.active) return page(503, t('dispatch.inactive'));
  if (!action) return page(404, t('dispatch.no_page'));
  if (req.method !== action.method && !(action.method === 'GET' && req.method === 'HEAD')) {
    res.set('Allow', action.method);
    deps.logger.warn('refused: wrong method', { action: name, method: req.method });
    return page(405, t('dispatch.wrong_method'));
  }
  if (req.method === 'POST' && !deps.http.verifyCsrf(req)) {
    deps.logger.warn('refused: missing or wrong CSRF token', { action: name });
    return page(403, t('dispatch.expired'));
  }
  const signIn = liveSignIn(res);
  if (signIn && action.asClient !== 'always' && !(action.asClient && signIn.permissions.includes(action.asClient))) {
    await deps.refusedAsClient(signIn, `Agent Tools ${name}`, req.ip ?? '');
    return page(403, t('dispatch.not_granted'));
  }
  try {
    await action.run(who, req, res);
  } catch (e) {
    if (e instanceof RuleError) return page(422, e.text(t));
    next(e);
  }
}
