import { z } from 'zod';
import { hookVariables, type HookContext, type HookName } from '../contract/hooks';

/** The hooks a billing system may send: all but the sidebar, which needs the host's live page. */
export const EVENT_TYPES = [
  'ClientAdd',
  'ClientDetailsValidation',
  'InvoicePaid',
  'InvoiceRefunded',
  'ClientClose',
  'DailyCronJob',
  'ShoppingCartValidateCheckout',
  'AfterShoppingCartCheckout',
  'InvoiceOverdue',
  'AfterModuleSuspend',
] as const satisfies readonly HookName[];

export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Standard Webhooks' payload: `type`, `timestamp` and `data`, here the hook's variables as the
 * in-process hook takes them. `context` carries what the host knew of the visitor's request (the
 * referral cookies for ClientAdd and AfterShoppingCartCheckout), which an in-process host passes
 * beside the variables.
 */
const envelope = z.object({
  type: z.enum(EVENT_TYPES),
  timestamp: z.string().max(40).optional(),
  data: z.record(z.string(), z.unknown()),
  context: z
    .object({
      cookies: z.record(z.string().max(128), z.string().max(4096)).optional(),
      ip: z.string().max(64).optional(),
      user_agent: z.string().max(512).optional(),
    })
    .optional(),
});

/** One bad field, as RFC 9457's common `errors` extension gives it: a JSON pointer into the body. */
export interface FieldProblem {
  pointer: string;
  detail: string;
}

export type ParsedEvent = { ok: true; type: EventType; data: unknown; ctx: HookContext } | { ok: false; errors: FieldProblem[] };

function pointer(path: readonly PropertyKey[]): string {
  return '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** The body, read as an event: the envelope, then the data by the same schema the hook parses. */
export function parseEvent(body: Buffer): ParsedEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, errors: [{ pointer: '', detail: 'the body is not JSON' }] };
  }
  const outer = envelope.safeParse(raw);
  if (!outer.success) return { ok: false, errors: outer.error.issues.map((i) => ({ pointer: pointer(i.path), detail: i.message })) };
  const { type, data, context } = outer.data;
  const inner = hookVariables[type].safeParse(data);
  if (!inner.success) return { ok: false, errors: inner.error.issues.map((i) => ({ pointer: pointer(['data', ...i.path]), detail: i.message })) };
  const ctx: HookContext = context ? { request: { cookies: context.cookies ?? {}, ip: context.ip, userAgent: context.user_agent } } : {};
  return { ok: true, type, data, ctx };
}
