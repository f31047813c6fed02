import { z } from 'zod';

/** What the visitor is told when their request, not the server, is at fault. */
export interface ClientError {
  status: number;
  title: string;
  text: string;
  /** body-parser's name for the fault (entity.too.large, charset.unsupported…), for the log. */
  type: string;
}

/**
 * The errors express and body-parser raise for a request they cannot read carry a 4xx `status`
 * (http-errors sets it, and `type` says which fault): a path with a broken %-escape (400), a body
 * over the size or parameter limit (413), a charset or content encoding it does not read (415), a
 * body that does not inflate (400). Anything else is the server's fault.
 */
const fromRequest = z.object({ status: z.number().int().min(400).max(499), type: z.string().optional() });

const BAD_REQUEST = { title: 'Bad request', text: 'The request could not be read. Go back and try again.' };

const TEXTS: Partial<Record<number, { title: string; text: string }>> = {
  413: { title: 'Too large', text: 'The form is larger than this site accepts. Shorten it and try again.' },
  415: { title: 'Unsupported request', text: 'The form was sent in an encoding this site does not read.' },
};

export function clientErrorOf(err: unknown): ClientError | null {
  const parsed = fromRequest.safeParse(err);
  if (!parsed.success) return null;
  const { status, type } = parsed.data;
  return { status, type: type ?? (err instanceof URIError ? 'path.decode.failed' : 'request.invalid'), ...(TEXTS[status] ?? BAD_REQUEST) };
}

/**
 * Errors that say the database cannot be reached right now (a node killed, a failover under way,
 * a pool with no free connection): the request is not at fault and may succeed in a moment, so
 * the answer is 503 with Retry-After, not 500. mysql2 sets `code`; knex names its pool timeout.
 */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_UNKNOWN_COM_ERROR']);
const withCode = z.object({ code: z.union([z.string(), z.number()]) });
const withErrno = z.object({ errno: z.number() });
const withName = z.object({ name: z.string() });

export function databaseUnavailable(err: unknown): boolean {
  const code = withCode.safeParse(err);
  if (code.success && UNREACHABLE_CODES.has(String(code.data.code))) return true;
  // 1047 (WSREP has not yet prepared node for application use): a Galera node that is joining or lost quorum.
  const errno = withErrno.safeParse(err);
  if (errno.success && errno.data.errno === 1047) return true;
  const name = withName.safeParse(err);
  return name.success && name.data.name === 'KnexTimeoutError';
}
