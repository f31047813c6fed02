import type { ZodError } from 'zod';

export function errorsOf(error: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of error.issues) {
    const k = String(i.path[0] ?? '_form');
    out[k] ??= i.message;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function bodyStrings(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(body)) for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** One field of a parsed request body as it arrived, whatever its type; undefined without a body. */
export function bodyField(body: unknown, field: string): unknown {
  return isRecord(body) ? body[field] : undefined;
}

/** Only same-site paths may be returned to after a login (no open redirect). */
export function safeReturn(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') ? value : fallback;
}
