import { sign } from '../events-in';

export interface WebhookMessage {
  /** webhook-id: the same on every attempt and replay of one delivery, for the receiver to drop repeats. */
  id: string;
  body: string;
  headers: Record<string, string>;
}

/** The message id of an event: one per event, told to every endpoint that takes it. */
export const messageId = (eventId: number): string => `msg_at_${eventId}`;

/**
 * The body (type, when, data) and the Standard Webhooks headers: webhook-signature is
 * v1,base64(HMAC-SHA256(secret, `id.timestamp.body`)), made by the signer that checks events in.
 */
export function webhookMessage(event: { id: number; type: string; payload: unknown; createdAt: number }, secret: string, nowMs: number): WebhookMessage {
  const id = messageId(event.id);
  const body = JSON.stringify({ type: event.type, timestamp: new Date(event.createdAt).toISOString(), data: event.payload });
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    id,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'AgentTools-Webhooks/1',
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': sign(secret, id, timestamp, body),
    },
  };
}
