import express, { type Request, type Response, type Router } from 'express';
import { readCookie } from '../http/cookie-header';
import { CODE_LINK } from '../http/paths';
import { REFERRAL_COOKIE } from './referral-cookie';
import { deepLinkTarget } from './deep-link';
import { isHttps, referer, sendLinkRedirect, visitorIp } from './link-http';
import type { LinkHosts } from './link-hosts-service';
import type { TrackingService } from './tracking-service';

/** Which agent a link's key (a vanity slug, a referral code) names, from memory when it can. */
export interface AgentKeyLookup {
  lookup(key: string): Promise<number | null>;
}

export interface LinkRouterDeps {
  tracking: Pick<TrackingService, 'click'>;
  linkHosts: Pick<LinkHosts, 'current'>;
  slugs: AgentKeyLookup;
  codes: AgentKeyLookup;
}

/**
 * The referral links: count the click, set the cookie, send the visitor on — home, or to the deep
 * link's `to=` when it is safe. Nothing here waits for the database once the agent is cached.
 */
export function linkRouter({ tracking, linkHosts, slugs, codes }: LinkRouterDeps): Router {
  const router = express.Router();
  const follow = async (req: Request, res: Response, rawAgentId: unknown) => {
    // Express parses the query string again on every read of req.query: read it once.
    const query = req.query;
    const outcome = await tracking.click(
      rawAgentId,
      {
        ip: visitorIp(req),
        userAgent: req.headers['user-agent'] ?? '',
        referer: referer(req),
        referralCookie: readCookie(req.headers.cookie, REFERRAL_COOKIE),
      },
      query.src,
    );
    const to = query.to === undefined ? '/' : deepLinkTarget(query.to, linkHosts.current());
    sendLinkRedirect(res, to, outcome.cookie && { ...outcome.cookie, secure: isHttps(req) });
  };
  /** A link by another name for /aff.php?aff=<its agent>; an unknown key goes home with no cookie, whatever else the link asks for. */
  const byKey = (lookup: AgentKeyLookup, key: (req: Request) => string) => async (req: Request, res: Response) => {
    const agentId = await lookup.lookup(key(req));
    if (agentId === null) return sendLinkRedirect(res, '/', null);
    await follow(req, res, String(agentId));
  };
  const handle = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: express.NextFunction) => {
    fn(req, res).catch(next);
  };
  router.get(
    '/aff.php',
    handle((req, res) => follow(req, res, req.query.aff)),
  );
  router.get('/go/:slug', handle(byKey(slugs, (req) => String(req.params.slug).toLowerCase())));
  router.get(`${CODE_LINK}:code`, handle(byKey(codes, (req) => String(req.params.code))));
  // A key that is not valid percent-encoding (/go/%, /r/%ZZ) fails in express's decoding, before
  // any handler: it names no agent, so it goes home with no cookie like an unknown key, rather
  // than reaching the host as an error. Only this router's own links come here.
  router.use((err: unknown, _req: Request, res: Response, next: express.NextFunction) => {
    if (err instanceof URIError) return sendLinkRedirect(res, '/', null);
    next(err);
  });
  return router;
}
