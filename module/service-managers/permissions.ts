import type { ClientPermission } from '../contract/permissions';

export const DEFAULT_AGENT_PERMISSIONS: ClientPermission[] = ['invoices', 'quotes', 'tickets', 'orders', 'products'];

export const PERMISSION_LABELS: Record<ClientPermission, string> = {
  profile: 'view and change your profile',
  contacts: 'manage your contacts',
  products: 'view your products and services',
  manageproducts: 'manage your products and services',
  productsso: 'sign in to your services',
  domains: 'view your domains',
  managedomains: 'manage your domains',
  invoices: 'view your invoices',
  quotes: 'view and accept quotes',
  tickets: 'open and answer support tickets',
  affiliates: 'see your affiliate account',
  emails: 'see the e-mails we sent you',
  orders: 'place orders that you pay',
};
