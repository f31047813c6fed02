import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { HookHandler } from '../contract/hooks';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { errorMessage, HookInputError, RuleError } from '../core/errors';
import type { EventSourceService } from './event-source-service';
import type { InboundEventLog } from './inbound-event-log';
import { parseEvent, type EventType, type FieldProblem } from './event-envelope';
import { signedHeaders, verify } from './signature';

export const EVENTS_PATH = '/modules/addons/agenttools/events';

/** The largest event body taken: a hook's variables are a few hundred bytes. */
const BODY_LIMIT = '256kb';

export interface EventsRouterDeps {
  sources: Pick<EventSourceService, 'signing'>;
  inbound: Pick<InboundEventLog, 'claim' | 'finish' | 'release'>;
  /** The same handlers the host's add_hook runs, by hook name. */
  handlers: Partial<Record<EventType, HookHandler>>;
  state: { readonly active: boolean };
  clock: Clock;
  logger: Logger;
}

/** RFC 9457 problem details; `type` names the problem so that a sender's code can tell them apart. */
function problem(res: Response, status: number, type: string, title: string, extra: { detail?: string; errors?: FieldProblem[] } = {}): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: `urn:agenttools:problem:${type}`, title, status, ...extra }));
}

/**
 * POST /modules/addons/agenttools/events: a billing system's hook, signed the Standard Webhooks
 * way with its source's secret. Checked in this order, and a refusal changes nothing: the
 * signature and its timestamp (401), the body (400, each bad field), the module on (503); then
 * the event id is claimed (a repeat answers as the first did) and the hook's handler runs.
 */
export function eventsRouter(deps: EventsRouterDeps): Router {
  const router = express.Router();
  router.post(EVENTS_PATH, express.raw({ type: () => true, limit: BODY_LIMIT }), (req, res, next) => {
    receive(deps, req, res).catch(next);
  });
  router.all(EVENTS_PATH, (_req, res) => {
    res.set('Allow', 'POST');
    problem(res, 405, 'method-not-allowed', 'Events are POSTed');
  });
  // A body too large or in an unknown encoding: the sender's fault, answered here as a problem.
  router.use(EVENTS_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    if (status >= 500) return next(err);
    deps.logger.warn('event refused: unreadable body', { status, error: errorMessage(err) });
    problem(res, status, 'unreadable-body', 'The body could not be read', { detail: errorMessage(err) });
  });
  return router;
}

async function receive({ sources, inbound, handlers, state, clock, logger }: EventsRouterDeps, req: Request, res: Response): Promise<void> {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const headers = signedHeaders((name) => req.get(name));
  const verdict = verify(headers, body, await sources.signing(), clock.now());
  if (!verdict.ok) {
    logger.warn('event refused', { reason: verdict.reason, id: headers?.id.slice(0, 128), ip: req.ip });
    if (verdict.reason === 'stale') return problem(res, 401, 'stale-timestamp', 'The webhook-timestamp is more than five minutes from now');
    return problem(res, 401, 'bad-signature', verdict.reason === 'missing headers' ? 'The webhook-id, webhook-timestamp and webhook-signature headers are required' : 'No signature matches');
  }
  const eventId = headers?.id ?? '';
  if (eventId.length > 128) return problem(res, 400, 'invalid-event', 'The webhook-id is longer than 128 characters');
  const event = parseEvent(body);
  if (!event.ok) {
    logger.warn('event refused: invalid body', { source: verdict.signer.name, id: eventId, errors: event.errors });
    return problem(res, 400, 'invalid-event', 'The event is not valid', { errors: event.errors });
  }
  const handler = handlers[event.type];
  if (!state.active || !handler) {
    res.set('Retry-After', '60');
    return problem(res, 503, 'inactive', 'Agent Tools is not active');
  }
  const claim = await inbound.claim(verdict.signer.id, eventId, event.type);
  if (claim.kind === 'in progress') {
    // Another delivery of it is at work, on this node or another: the sender tries again later.
    res.set('Retry-After', '5');
    return problem(res, 409, 'in-progress', 'This event is being processed');
  }
  if (claim.kind === 'done') {
    const first: unknown = claim.answer ? JSON.parse(claim.answer) : {};
    res.json({ id: eventId, type: event.type, duplicate: true, errors: first });
    return;
  }
  let errors: Record<string, string>;
  try {
    errors = (await handler(event.data, event.ctx)) ?? {};
  } catch (e) {
    await inbound.release(claim.id);
    // An event about something the host does not have (an unknown invoice, a line not on it) is the
    // sender's problem, not ours: a 422 says so, and the id stays free for a corrected delivery.
    if (e instanceof RuleError || e instanceof HookInputError) return problem(res, 422, 'rejected', 'The event was refused', { detail: e.message });
    logger.error('event failed; its id is free for a retry', { source: verdict.signer.name, id: eventId, type: event.type, error: errorMessage(e) });
    throw e;
  }
  await inbound.finish(claim.id, Object.keys(errors).length ? JSON.stringify(errors) : null);
  res.json({ id: eventId, type: event.type, duplicate: false, errors });
}
