import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../core/logger';
import { errorMessage, RuleError } from '../core/errors';
import type { ApiKeyService, KeyCheck } from './api-key-service';
import type { ApiRateLimit } from './api-rate-limit';
import { ApiProblem, type ApiRoute } from './api-routes';
import { IdParams, ListQuery } from './api-schemas';
import { decodeCursor } from './cursor';
import type { IdempotencyStore } from './idempotency-store';
import { requestHash } from './idempotency-store';
import { fieldProblems, problemBody, sendProblem } from './problem';

export const API_BASE = '/modules/addons/agenttools/api/v1';
export const OPENAPI_PATH = `${API_BASE}/openapi.json`;

/** A write's body: an integration's request is a few hundred bytes. */
const BODY_LIMIT = '64kb';

export interface ApiRouterDeps {
  routes: ApiRoute[];
  openapi: () => unknown;
  keys: Pick<ApiKeyService, 'check'>;
  limits: Pick<ApiRateLimit, 'take'>;
  idempotency: Pick<IdempotencyStore, 'claim' | 'finish' | 'release'>;
  state: { readonly active: boolean };
  logger: Logger;
}

const UNAUTHORISED: Record<Exclude<KeyCheck, { ok: true }>['reason'], string> = {
  missing: 'An Authorization: Bearer <API key> header is required',
  unknown: 'The API key is not known',
  expired: 'The API key has expired',
  revoked: 'The API key was revoked',
};

const idempotencyKey = z.string().trim().min(1).max(128);

/**
 * /modules/addons/agenttools/api/v1: the JSON API, authenticated by its key (no session, no CSRF:
 * a bearer key is not sent by a browser on its own). Each request: the key (401), its rate limit
 * (429), the route's scope (403), the input (400); a write then claims its Idempotency-Key and
 * runs once, its answer kept for a repeat.
 */
export function apiRouter(deps: ApiRouterDeps): Router {
  const router = express.Router();
  router.get(OPENAPI_PATH, (_req, res) => void res.json(deps.openapi()));
  for (const route of deps.routes) {
    const path = API_BASE + route.path.replace(/\{(\w+)\}/g, ':$1');
    const handlers = route.method === 'post' ? [express.raw({ type: () => true, limit: BODY_LIMIT })] : [];
    router[route.method](path, ...handlers, (req: Request, res: Response, next: NextFunction) => {
      serve(deps, route, req, res).catch(next);
    });
  }
  // Registered after every route, so that a path's other method is found first.
  for (const path of new Set(deps.routes.map((r) => r.path))) {
    const allowed = deps.routes.filter((r) => r.path === path).map((r) => r.method.toUpperCase());
    router.all(API_BASE + path.replace(/\{(\w+)\}/g, ':$1'), (_req, res) => {
      res.set('Allow', allowed.join(', '));
      sendProblem(res, 405, 'method-not-allowed', `${path} answers ${allowed.join(' and ')} only`);
    });
  }
  router.use(API_BASE, (_req, res) => sendProblem(res, 404, 'not-found', 'There is no such API route'));
  router.use(API_BASE, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    if (status >= 500) return next(err);
    sendProblem(res, status, 'unreadable-body', 'The body could not be read', { detail: errorMessage(err) });
  });
  return router;
}

async function serve(deps: ApiRouterDeps, route: ApiRoute, req: Request, res: Response): Promise<void> {
  const checked = await deps.keys.check(req.get('authorization'));
  if (!checked.ok) {
    res.set('WWW-Authenticate', 'Bearer');
    return sendProblem(res, 401, 'unauthorized', UNAUTHORISED[checked.reason]);
  }
  const key = checked.key;
  const verdict = await deps.limits.take(key.id);
  if (!verdict.allowed) {
    res.set('Retry-After', String(verdict.retryAfterSeconds));
    return sendProblem(res, 429, 'rate-limited', 'Too many requests for this API key', { detail: `Try again in ${verdict.retryAfterSeconds} s.` });
  }
  res.set('RateLimit-Remaining', String(verdict.remaining));
  if (!key.scopes.includes(route.scope)) return sendProblem(res, 403, 'missing-scope', `This API key lacks the ${route.scope} scope`);
  if (!deps.state.active) {
    res.set('Retry-After', '60');
    return sendProblem(res, 503, 'inactive', 'Agent Tools is not active');
  }
  const params = route.path.includes('{id}') ? IdParams.safeParse(req.params) : IdParams.safeParse({ id: 1 });
  if (!params.success) return sendProblem(res, 404, 'not-found', 'There is no such object');
  const query = ListQuery.safeParse(req.query);
  if (!query.success) return sendProblem(res, 400, 'invalid-request', 'The query is not valid', { errors: fieldProblems(query.error) });
  if (query.data.cursor !== undefined && decodeCursor(query.data.cursor) === null) {
    return sendProblem(res, 400, 'invalid-request', 'The cursor is not one this API gave', { errors: [{ field: 'cursor', message: 'unknown cursor' }] });
  }
  if (route.method === 'get') {
    const body = await answer(() => route.run({ params: params.data, query: query.data, body: null, key, writeId: 0 }), route);
    return void res
      .status(body.status)
      .type(body.status < 400 ? 'application/json' : 'application/problem+json')
      .send(body.json);
  }
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  const idem = idempotencyKey.safeParse(req.get('idempotency-key') ?? '');
  if (!idem.success) return sendProblem(res, 400, 'invalid-request', 'An Idempotency-Key header (1 to 128 characters) is required', { errors: [{ field: 'Idempotency-Key', message: 'required' }] });
  let body: unknown = {};
  if (route.body) {
    try {
      body = JSON.parse(raw || 'null');
    } catch {
      return sendProblem(res, 400, 'invalid-request', 'The body is not JSON');
    }
    const parsed = route.body.safeParse(body);
    if (!parsed.success) return sendProblem(res, 400, 'invalid-request', 'The body is not valid', { errors: fieldProblems(parsed.error) });
  }
  const claim = await deps.idempotency.claim(key.id, idem.data, requestHash(req.method, req.path, raw));
  if (claim.kind === 'mismatch') return sendProblem(res, 422, 'idempotency-key-reused', 'This Idempotency-Key was used for another request');
  if (claim.kind === 'in progress') {
    res.set('Retry-After', '1');
    return sendProblem(res, 409, 'in-progress', 'A request with this Idempotency-Key is being processed');
  }
  if (claim.kind === 'replay') {
    res.set('Idempotent-Replayed', 'true');
    return void res
      .status(claim.status)
      .type(claim.status < 400 ? 'application/json' : 'application/problem+json')
      .send(claim.body);
  }
  let result: { status: number; json: string };
  try {
    result = await answer(() => route.run({ params: params.data, query: query.data, body, key, writeId: claim.id }), route);
  } catch (e) {
    await deps.idempotency.release(claim.id);
    deps.logger.error('API write failed; its Idempotency-Key is free for a retry', { route: route.path, key: key.id, error: errorMessage(e) });
    throw e;
  }
  await deps.idempotency.finish(claim.id, result.status, result.json);
  deps.logger.info('API write', { route: route.path, key: key.id, status: result.status });
  res
    .status(result.status)
    .type(result.status < 400 ? 'application/json' : 'application/problem+json')
    .send(result.json);
}

/** The route's answer, or the problem a refusal of the rules makes of it; anything else is a fault and thrown. */
async function answer(run: () => Promise<unknown>, route: ApiRoute): Promise<{ status: number; json: string }> {
  try {
    return { status: route.status, json: JSON.stringify(await run()) };
  } catch (e) {
    if (e instanceof ApiProblem) return { status: e.status, json: problemBody(e.status, e.status === 404 ? 'not-found' : 'conflict', e.message) };
    if (e instanceof RuleError)
      return { status: 422, json: problemBody(422, 'rejected', 'The request was refused', { detail: e.message, errors: [{ field: e.field ?? '(body)', message: e.message }] }) };
    throw e;
  }
}
