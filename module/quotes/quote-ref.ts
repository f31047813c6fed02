/**
 * How the module marks the quotes it asks the host to make, so that it can find an agent's quotes
 * again and know whose quote brought a client. The host keeps the text and never reads it.
 */
const PREFIX = 'agenttools:agent:';

export function agentQuoteRef(agentId: number): string {
  return `${PREFIX}${agentId}`;
}

export function agentOfQuoteRef(ref: string | null): number | null {
  if (!ref?.startsWith(PREFIX)) return null;
  const id = Number(ref.slice(PREFIX.length));
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}
