import { z } from 'zod';

/**
 * WHMCS client permission keys. What a service manager may do when signed in as the client is
 * the program's list; never the client's password or security settings, payment methods, the
 * grant itself, or signing in as anyone else — none of those is a key here, so none can be granted.
 * The host names them on its own client-area routes (requireClientPermission).
 */
export const CLIENT_PERMISSIONS = [
  'profile',
  'contacts',
  'products',
  'manageproducts',
  'productsso',
  'domains',
  'managedomains',
  'invoices',
  'quotes',
  'tickets',
  'affiliates',
  'emails',
  'orders',
] as const;
export type ClientPermission = (typeof CLIENT_PERMISSIONS)[number];

/** A list of permissions as stored with a grant or a sign-in, checked when read back. */
export const clientPermissions = z.array(z.enum(CLIENT_PERMISSIONS));
