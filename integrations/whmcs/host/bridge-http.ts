import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { HostAdmin, HostHttp, HostUser, ModulePage } from '../../../module/contract/host-api';
import type { Clock } from '../../../module/core/clock';
import type { Logger } from '../../../module/core/logger';
import { RuleError } from '../../../module/core/errors';
import type { EventSourceService } from '../../../module/events-in/event-source-service';
import { TOLERANCE_MS, signedHeaders, verify } from '../../../module/events-in/signature';

/** Who the addon's page says is signed in to WHMCS, and the session's CSRF token (lib/PageProxy.php). */
const identity = z.discriminatedUnion('area', [
  z.object({ area: z.literal('client'), client_id: z.number().int().positive(), user_id: z.number().int().positive(), email: z.string(), name: z.string(), csrf: z.string().min(8) }),
  z.object({ area: z.literal('admin'), admin_id: z.number().int().positive(), username: z.string().min(1), csrf: z.string().min(8) }),
]);
type Identity = z.infer<typeof identity>;

export const IDENTITY_HEADER = 'x-agenttools-bridge';

/**
 * The host's HTTP side when the pages are served through the WHMCS addon: WHMCS has signed the
 * user in and proxies each request, signed with the source's secret, naming the user and the
 * CSRF token of their WHMCS session. Signing in as a client and uploads are not carried.
 */
export class BridgeHttp implements HostHttp {
  private readonly who = new WeakMap<Request, Identity>();

  constructor(private readonly siteUrl: string) {}

  /** Checks each proxied request's signature, then reads its form; an unsigned one is refused. */
  signedPages(sources: Pick<EventSourceService, 'signing'>, clock: Clock, logger: Logger): RequestHandler[] {
    // A page request is taken once: a signed POST replayed within the five minutes is refused.
    const seen = new LRUCache<string, true>({ max: 100_000, ttl: 2 * TOLERANCE_MS });
    const check = (req: Request, res: Response, next: NextFunction) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = req.get(IDENTITY_HEADER) ?? '';
      const signed = Buffer.concat([Buffer.from(`${header}\n${req.method} ${req.originalUrl}\n`), body]);
      const headers = signedHeaders((name) => req.get(name));
      sources
        .signing()
        .then((signers) => {
          const verdict = verify(headers, signed, signers, clock.now());
          const parsed = identity.safeParse(safeJson(Buffer.from(header, 'base64').toString('utf8')));
          if (!verdict.ok || !parsed.success || !headers || seen.has(headers.id)) {
            logger.warn('bridge page refused', { reason: verdict.ok ? 'identity or replay' : verdict.reason, path: req.path });
            res.status(401).json({ error: 'unsigned' });
            return;
          }
          seen.set(headers.id, true);
          this.who.set(req, parsed.data);
          req.body = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
          next();
        })
        .catch(next);
    };
    return [express.raw({ type: () => true, limit: '1mb' }), check];
  }

  currentUser(req: Request): HostUser | null {
    const w = this.who.get(req);
    return w?.area === 'client' ? { user_id: w.user_id, client_id: w.client_id, email: w.email, name: w.name } : null;
  }

  currentAdmin(req: Request): HostAdmin | null {
    const w = this.who.get(req);
    return w?.area === 'admin' ? { id: w.admin_id, username: w.username } : null;
  }

  csrfToken(req: Request): string {
    return this.who.get(req)?.csrf ?? '';
  }

  verifyCsrf(req: Request): boolean {
    const expected = Buffer.from(this.csrfToken(req));
    const body: unknown = req.body;
    const given = typeof body === 'object' && body !== null && '_csrf' in body && typeof body._csrf === 'string' ? Buffer.from(body._csrf) : Buffer.alloc(0);
    return expected.length > 0 && given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }

  loginUrl(area: 'client' | 'admin', returnTo: string): string {
    return area === 'admin' ? `${this.siteUrl}/admin/login.php` : `${this.siteUrl}/login.php?goto=${encodeURIComponent(returnTo.replace(/^\//, ''))}`;
  }

  beginSignInAs(): Promise<void> {
    return Promise.reject(new RuleError('Signing in as a client is not available through the WHMCS bridge.'));
  }

  endSignInAs(): Promise<void> {
    return Promise.resolve();
  }

  signInAs(): null {
    return null;
  }

  /** The page for the addon to place in WHMCS's layout (agenttools_clientarea, agenttools_output). */
  sendPage(_req: Request, res: Response, page: ModulePage): void {
    res.status(page.status ?? 200).json({ area: page.area, title: page.title, breadcrumb: page.breadcrumb, html: page.html });
  }

  uploadedFile(): null {
    return null;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
