import { CLIENT_PERMISSIONS, type ClientPermission } from '../contract/permissions';
import type { Translate } from '../i18n/lang';

export const DEFAULT_AGENT_PERMISSIONS: ClientPermission[] = ['invoices', 'quotes', 'tickets', 'orders', 'products'];

/** What each permission lets the service manager do, as the client reads it (lang keys sm.permission.*). */
export function permissionLabels(t: Translate): Record<ClientPermission, string> {
  return Object.fromEntries(CLIENT_PERMISSIONS.map((p) => [p, t(`sm.permission.${p}`)])) as Record<ClientPermission, string>;
}
