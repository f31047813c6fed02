import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AgentService } from '../agents/agent-service';
import type { ReaderLanguage } from '../agents';
import { chosenLanguage } from '../http/request-language';
import type { HostHttp } from '../contract/host-api';
import type { ClientPermission } from '../contract/permissions';
import type { Logger } from '../core/logger';
import type { Pages } from '../http/pages';
import { liveSignIn, setLiveSignIn } from '../http/live-sign-in';
import { CLIENT_AREA } from '../http/paths';
import type { SignInService } from './sign-in-service';

export interface SignInGuardDeps {
  http: Pick<HostHttp, 'signInAs' | 'endSignInAs'>;
  signIns: Pick<SignInService, 'live' | 'audit'>;
  logger: Logger;
}

/**
 * Runs before every page of the host. In a sign-in-as-client session it asks whether the session
 * may go on — not expired, the agent not blocked, the client's grant still there — and otherwise
 * ends it and sends the agent back to their own panel without doing what was asked. Each
 * state-changing request of a live session is written to the audit log with its outcome.
 */
export function signInGuard({ http, signIns, logger }: SignInGuardDeps): RequestHandler {
  const guard = async (req: Request, res: Response, next: NextFunction) => {
    const state = http.signInAs(req);
    if (!state) return next();
    const ip = req.ip ?? '';
    const s = await signIns.live(state.signInId, ip);
    if (!s) {
      await http.endSignInAs(req);
      return res.redirect(303, `${CLIENT_AREA}&signin=ended`);
    }
    setLiveSignIn(res, s);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.on('finish', () => {
        signIns.audit(s, `${req.method} ${req.originalUrl}`, `answered ${res.statusCode}`, ip).catch((e: unknown) => logger.error('sign-in audit not written', { error: String(e) }));
      });
    }
    next();
  };
  return (req, res, next) => {
    guard(req, res, next).catch(next);
  };
}

export interface ClientPermissionDeps {
  signIns: Pick<SignInService, 'audit'>;
  pages: Pages;
  logger: Logger;
  /** Who reads a refusal in which language: the agent signed in as the client (on a host page no router decided one). */
  readers?: { agents: Pick<AgentService, 'get'>; readerLanguage: Pick<ReaderLanguage, 'ofClient'> };
}

/**
 * For the host's routes: in a sign-in-as-client session, only what the client granted. 'never'
 * marks what no agent may do as the client (password, security, payment methods, the grant).
 */
export function requireClientPermission({ signIns, pages, logger, readers }: ClientPermissionDeps, permission: ClientPermission | 'never'): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const s = liveSignIn(res);
    if (!s || (permission !== 'never' && s.permissions.includes(permission))) return next();
    // The refusal is what matters to the client; a lost audit line is logged, not a failed page.
    signIns.audit(s, 'refused', `${req.method} ${req.originalUrl} needs ${permission}`, req.ip ?? '').catch((e: unknown) => logger.error('sign-in audit not written', { error: String(e) }));
    // The agent reads the refusal, in their language.
    agentLanguage(readers, s.agentId, req, res, pages.languageOf(req))
      .then((l) => {
        const { t } = pages.helpersIn(l, req);
        pages.alert(req, res, { area: 'client', title: t('sign_in.guard.title'), breadcrumb: [], status: 403 }, t('sign_in.guard.refused'));
      })
      .catch(next);
  };
}

/** The agent's language as they read the module (their choice in this browser, their account's, their program's), else `fallback`. */
async function agentLanguage(readers: ClientPermissionDeps['readers'], agentId: number, req: Request, res: Response, fallback: string): Promise<string> {
  const agent = readers ? await readers.agents.get(agentId) : null;
  if (!readers || !agent) return fallback;
  return readers.readerLanguage.ofClient(agent.clientId, chosenLanguage(req, res));
}
