import type { Knex } from 'knex';
import * as m001 from './001-foundation';
import * as m002 from './002-tracking';
import * as m003 from './003-sign-in-as-client';
import * as m004 from './004-links-and-codes';
import * as m005 from './005-notifications';
import * as m006 from './006-creatives-deals-orders';
import * as m007 from './007-review-per-evidence';
import * as m008 from './008-order-referrals-by-client';
import * as m009 from './009-payout-steps';
import * as m010 from './010-applications';
import * as m011 from './011-order-attribution';
import * as m012 from './012-host-events';
import * as m013 from './013-agent-contact';
import * as m014 from './014-who-earns-who-acts';
import * as m015 from './015-tier-history';
import * as m016 from './016-events-in';
import * as m017 from './017-many-nodes';
import * as m018 from './018-targets-and-probation';
import * as m019 from './019-imports';
import * as m020 from './020-webhooks-out';
import * as m021 from './021-api';
import * as m022 from './022-payout-methods';
import * as m023 from './023-payout-batches';
import * as m024 from './024-tax-profiles';
import * as m025 from './025-report-rollups';
import * as m026 from './026-admin-inbox';
import * as m027 from './027-invoice-paid-speed';
import * as m028 from './028-agent-pages-speed';
import * as m029 from './029-tax-exemption-certificates';

// Listed in code rather than read from a folder so that they run the same under tsx, a bundle
// or a compiled build. Never edit one that is on main: add the next.
const MIGRATIONS: [string, { up(db: Knex): Promise<void>; down(db: Knex): Promise<void> }][] = [
  ['001-foundation', m001],
  ['002-tracking', m002],
  ['003-sign-in-as-client', m003],
  ['004-links-and-codes', m004],
  ['005-notifications', m005],
  ['006-creatives-deals-orders', m006],
  ['007-review-per-evidence', m007],
  ['008-order-referrals-by-client', m008],
  ['009-payout-steps', m009],
  ['010-applications', m010],
  ['011-order-attribution', m011],
  ['012-host-events', m012],
  ['013-agent-contact', m013],
  ['014-who-earns-who-acts', m014],
  ['015-tier-history', m015],
  ['016-events-in', m016],
  ['017-many-nodes', m017],
  ['018-targets-and-probation', m018],
  ['019-imports', m019],
  ['020-webhooks-out', m020],
  ['021-api', m021],
  ['022-payout-methods', m022],
  ['023-payout-batches', m023],
  ['024-tax-profiles', m024],
  ['025-report-rollups', m025],
  ['026-admin-inbox', m026],
  ['027-invoice-paid-speed', m027],
  ['028-agent-pages-speed', m028],
  ['029-tax-exemption-certificates', m029],
];

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(MIGRATIONS.map(([name]) => name)),
  getMigrationName: (name) => name,
  getMigration: (name) => {
    const found = MIGRATIONS.find(([n]) => n === name);
    return found ? Promise.resolve(found[1]) : Promise.reject(new Error(`unknown migration ${name}`));
  },
};
