import { Webhook } from 'standardwebhooks';

let counter = 0;

/** A fresh webhook-id, as a sender makes one per event (and keeps it across retries). */
export function eventId(prefix = 'msg'): string {
  counter++;
  return `${prefix}_${process.pid}_${counter}_${Date.now().toString(36)}`;
}

/**
 * The body and headers of one event, signed by the Standard Webhooks reference library (the
 * independent oracle: the module verifies with node:crypto), at `sentAt` (epoch ms).
 */
export function signedEvent(secret: string, id: string, sentAt: number, type: string, data: unknown, context?: Record<string, unknown>) {
  const body = JSON.stringify({ type, timestamp: new Date(sentAt).toISOString(), data, ...(context ? { context } : {}) });
  return { body, headers: signedHeaders(secret, id, sentAt, body) };
}

export function signedHeaders(secret: string, id: string, sentAt: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(sentAt / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, new Date(sentAt), body),
  };
}
