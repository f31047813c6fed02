/** What an API key may do: a resource and read or write, as the key's creator ticked them. */
export const API_SCOPES = [
  'agents:read',
  'agents:write',
  'commissions:read',
  'commissions:write',
  'payouts:read',
  'payouts:write',
  'referrals:read',
  'referrals:write',
  'links:read',
  'programs:read',
  'clicks:read',
] as const;

export type ApiScope = (typeof API_SCOPES)[number];

export function isApiScope(s: string): s is ApiScope {
  return API_SCOPES.some((scope) => scope === s);
}
