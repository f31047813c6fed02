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

/** A WHMCS language name ("russian"); one the module has no file for is passed over later, not refused here. */
const language = z.string().max(32).nullable();

/** Who the addon's page says is signed in to WHMCS, and the session's CSRF token (lib/PageProxy.php). */
const identity = z.discriminatedUnion('area', [
  z.object({
    area: z.literal('client'),
    client_id: z.number().int().positive(),
    user_id: z.number().int().positive(),
    email: z.string(),
    name: z.string(),
    language: language.optional(),
    csrf: z.string().min(8),
  }),
  z.object({ area: z.literal('admin'), admin_id: z.number().int().positive(), username: z.string().min(1), language: language.optional(), csrf: z.string().min(8) }),
]);
type Identity = z.infer<typeof identity>;

export const IDENTITY_HEADER = 'x-agenttools-bridge';

/**
 * The form fields an upload travels in (lib/PageProxy.php, FILE_FIELD_PREFIX): the addon puts each
 * file of $_FILES in the signed urlencoded body as `__agenttools_file__<field>` = JSON
 * {name, type, data: base64url of the bytes}, so the signature covers the file too.
 */
export const FILE_FIELD_PREFIX = '__agenttools_file__';

/** What the browser said (name and type, not trusted: the module reads the type from the bytes) and the bytes. */
const uploadField = z.object({
  name: z.string().max(1024),
  type: z.string().max(255),
  data: z.string().regex(/^[A-Za-z0-9_-]*$/),
});

/**
 * The largest signed body read: a file of the module's largest kind (a 5 MB exemption
 * certificate) grows by a third in base64, to about 7 MB, and the form comes with it.
 */
export const BRIDGE_BODY_LIMIT = '8mb';

type Upload = { name: string; mime: string; data: Buffer };

/**
 * The host's HTTP side when the pages are served through the WHMCS addon: WHMCS has signed the
 * user in and proxies each request, signed with the source's secret, naming the user and the
 * CSRF token of their WHMCS session; files uploaded with a form come inside the signed form.
 * Signing in as a client is not carried.
 */
export class BridgeHttp implements HostHttp {
  private readonly who = new WeakMap<Request, Identity>();
  private readonly files = new WeakMap<Request, Map<string, Upload>>();

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
          const form = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
          // The uploads are taken out of the form, so that no module form sees them as fields.
          this.files.set(req, takeUploads(form));
          req.body = form;
          next();
        })
        .catch(next);
    };
    const raw = express.raw({ type: () => true, limit: BRIDGE_BODY_LIMIT });
    // A body over the limit (a file larger than the module takes) is answered 413, which the
    // addon shows as "too large", not as an error of the module.
    const read = (req: Request, res: Response, next: NextFunction) =>
      raw(req, res, (err: unknown) => {
        if (!isTooLarge(err)) return next(err);
        logger.warn('bridge page refused', { reason: 'body too large', path: req.path });
        res.status(413).json({ error: 'too large' });
      });
    return [read, check];
  }

  currentUser(req: Request): HostUser | null {
    const w = this.who.get(req);
    return w?.area === 'client' ? { user_id: w.user_id, client_id: w.client_id, email: w.email, name: w.name, language: w.language ?? null } : null;
  }

  currentAdmin(req: Request): HostAdmin | null {
    const w = this.who.get(req);
    return w?.area === 'admin' ? { id: w.admin_id, username: w.username, language: w.language ?? null } : null;
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
    return Promise.reject(new RuleError('sign_in.error.not_on_bridge'));
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

  uploadedFile(req: Request, field: string): Upload | null {
    return this.files.get(req)?.get(field) ?? null;
  }
}

/**
 * Removes every reserved upload field from the form and returns the files they hold. One that is
 * not the addon's JSON, or holds no bytes, counts as no file (the module then says none was chosen).
 */
function takeUploads(form: Record<string, string>): Map<string, Upload> {
  const files = new Map<string, Upload>();
  for (const key of Object.keys(form)) {
    if (!key.startsWith(FILE_FIELD_PREFIX)) continue;
    const parsed = uploadField.safeParse(safeJson(form[key]!));
    delete form[key];
    const field = key.slice(FILE_FIELD_PREFIX.length);
    // A base64 text of length 4n + 1 encodes no whole byte: not what the addon makes.
    if (!parsed.success || field === '' || parsed.data.data.length % 4 === 1) continue;
    const data = Buffer.from(parsed.data.data, 'base64url');
    if (data.length > 0) files.set(field, { name: parsed.data.name, mime: parsed.data.type, data });
  }
  return files;
}

/** body-parser's refusal of a body over its limit. */
function isTooLarge(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'type' in err && err.type === 'entity.too.large';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
