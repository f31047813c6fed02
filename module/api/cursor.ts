/**
 * A page's cursor: the last id it held, wrapped so that clients treat it as opaque (its form may
 * change). Keyset on the primary key: a row written between two pages neither repeats nor shifts one.
 */
export function encodeCursor(lastId: number): string {
  return Buffer.from(JSON.stringify({ a: lastId })).toString('base64url');
}

/** The id after which the page starts; null for a cursor this API did not make. */
export function decodeCursor(cursor: string): number | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || !('a' in parsed)) return null;
    const after = parsed.a;
    return typeof after === 'number' && Number.isSafeInteger(after) && after >= 0 ? after : null;
  } catch {
    return null;
  }
}
