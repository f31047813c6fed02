import knex, { type Knex } from 'knex';
import { WHMCS_SCHEMA } from './whmcs-fixture-schema';

const MYSQL_SERVER = process.env.AGENTTOOLS_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/**
 * A WHMCS installation's affiliates, in two currencies (USD id 1, the default, and KES id 2).
 * The figures the tests expect are worked out from these rows in test/whmcs-import.test.ts.
 *
 *   affiliate 1, client 101 Amina (USD): balance 45.10, withdrawn 100.00 (withdrawals 60.00 + 40.00);
 *     referred services 301 (client 201) and 302, 303 (both client 202); pending 12.50 (clears
 *     2026-03-25), 7.25 (2026-04-02)
 *   affiliate 2, client 102 Baraka (KES): balance 12000.00, withdrawn 10000.00 (one withdrawal);
 *     services 304 (client 203), 305 (client 204); pending 1500.00 (2026-03-20), 2250.50 (2026-04-05)
 *   affiliate 3, client 103 Chen (USD), own rate 12.50 %: balance 0; services 306 (client 205),
 *     310 (client 201, already affiliate 1's) and 399 (deleted); pending 30.00 (2026-03-15)
 *   affiliate 4, client 104 Dmitri (USD), whom the billing platform does not have: balance 20.00,
 *     withdrawn 50.00 (one withdrawal); service 307 (client 206); pending 9.99 (2026-03-30)
 *   affiliate 5, client 105 Esther (KES): balance 3500.75, withdrawn 15000.00 of which only
 *     10000.00 has a withdrawal row (an admin edited the figure); services 308 (client 207) and
 *     311 (client 208, whom the platform does not have); pending 800.00 (2026-03-12)
 *   affiliate 6, client 106, deleted from tblclients: balance 5.00
 *   pending 38 (5.00) hangs from account 999, which was deleted
 */
const ROWS: Record<string, Record<string, unknown>[]> = {
  tblcurrencies: [
    { id: 1, code: 'USD', prefix: '$', suffix: ' USD', format: 2, rate: '1.00000', default: 1 },
    { id: 2, code: 'KES', prefix: 'KSh', suffix: ' KES', format: 2, rate: '129.50000', default: 0 },
  ],
  tblclients: [
    ...[
      [101, 'Amina', 1],
      [102, 'Baraka', 2],
      [103, 'Chen', 1],
      [104, 'Dmitri', 1],
      [105, 'Esther', 2],
    ].map(([id, name, currency]) => client(Number(id), String(name), Number(currency))),
    ...[201, 202, 203, 204, 205, 206, 207, 208].map((id) => client(id, `Referred${id}`, id === 203 || id === 204 || id === 207 || id === 208 ? 2 : 1)),
  ],
  tblhosting: [
    [301, 201],
    [302, 202],
    [303, 202],
    [304, 203],
    [305, 204],
    [306, 205],
    [307, 206],
    [308, 207],
    [310, 201],
    [311, 208],
  ].map(([id, userid]) => ({ id, userid, orderid: id, packageid: 1, regdate: '2025-06-01', domain: `s${id}.example`, billingcycle: 'Monthly', domainstatus: 'Active' })),
  tblaffiliates: [
    affiliate(1, 101, '45.10', '100.00'),
    affiliate(2, 102, '12000.00', '10000.00'),
    { ...affiliate(3, 103, '0.00', '0.00'), paytype: 'percentage', payamount: '12.50' },
    affiliate(4, 104, '20.00', '50.00'),
    affiliate(5, 105, '3500.75', '15000.00'),
    affiliate(6, 106, '5.00', '0.00'),
  ],
  tblaffiliatesaccounts: [
    [11, 1, 301],
    [12, 1, 302],
    [13, 1, 303],
    [14, 2, 304],
    [15, 2, 305],
    [16, 3, 306],
    [17, 3, 310],
    [18, 3, 399],
    [19, 4, 307],
    [20, 5, 308],
    [21, 5, 311],
  ].map(([id, affiliateid, relid]) => ({ id, affiliateid, relid, lastpaid: '2026-02-01' })),
  tblaffiliatespending: [
    [31, 11, 5001, '12.50', '2026-03-25'],
    [32, 12, 5002, '7.25', '2026-04-02'],
    [33, 14, 6001, '1500.00', '2026-03-20'],
    [34, 15, 6002, '2250.50', '2026-04-05'],
    [35, 16, 5003, '30.00', '2026-03-15'],
    [36, 19, 5004, '9.99', '2026-03-30'],
    [37, 20, 6003, '800.00', '2026-03-12'],
    [38, 999, 5005, '5.00', '2026-03-20'],
  ].map(([id, affaccid, invoice_id, amount, clearingdate]) => ({ id, affaccid, invoice_id, amount, clearingdate })),
  tblaffiliateshistory: [
    [51, 1, 11, '145.10'],
    [52, 2, 14, '22000.00'],
    [53, 4, 19, '70.00'],
    [54, 5, 20, '18500.75'],
  ].map(([id, affiliateid, affaccid, amount]) => ({ id, affiliateid, affaccid, amount, date: '2026-01-15', invoice_id: 0, description: 'Commission cleared' })),
  tblaffiliateswithdrawals: [
    [41, 1, '2025-11-01', '60.00'],
    [42, 1, '2026-01-01', '40.00'],
    [43, 2, '2026-02-01', '10000.00'],
    [44, 4, '2026-01-10', '50.00'],
    [45, 5, '2025-12-15', '10000.00'],
  ].map(([id, affiliateid, date, amount]) => ({ id, affiliateid, date, amount })),
};

/** The clients the billing platform has: not 104 (an affiliate) nor 208 (a referred client); 106 is nowhere. */
export const PLATFORM_CLIENTS: { id: number; currency: string }[] = [
  ...[101, 103, 201, 202, 205, 206].map((id) => ({ id, currency: 'USD' })),
  ...[102, 105, 203, 204, 207].map((id) => ({ id, currency: 'KES' })),
];

function client(id: number, firstname: string, currency: number) {
  return { id, firstname, lastname: 'Test', companyname: '', email: `c${id}@example.com`, currency, credit: '0.00', datecreated: '2025-05-01', status: 'Active' };
}

function affiliate(id: number, clientid: number, balance: string, withdrawn: string) {
  return { id, date: '2025-05-02', clientid, visitors: 10 * id, paytype: '', payamount: '0.00', onetime: 0, balance, withdrawn };
}

export interface WhmcsFixture {
  /** mysql://…/<database>, as `--from` takes it. */
  url: string;
  db: Knex;
  drop(): Promise<void>;
}

/**
 * A WHMCS database of its own on the test MariaDB server, made from WHMCS's table definitions and
 * the rows above; null when no MariaDB answers (the caller skips, unless MariaDB is required).
 */
export async function createWhmcsFixture(): Promise<WhmcsFixture | null> {
  const admin = knex({ client: 'mysql2', connection: { uri: `${MYSQL_SERVER}/`, connectTimeout: 2000 } as Knex.MySql2ConnectionConfig, pool: { min: 0, max: 1 } });
  try {
    await admin.raw('select 1');
  } catch (e) {
    await admin.destroy();
    if (process.env.AGENTTOOLS_REQUIRE_MARIADB === '1') throw new Error(`MariaDB is required (AGENTTOOLS_REQUIRE_MARIADB=1) but ${MYSQL_SERVER} does not answer`, { cause: e });
    return null;
  }
  const name = `whmcs_test_${process.pid}_${Date.now() % 1_000_000}_${Math.floor(Math.random() * 1000)}`;
  await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci`);
  const url = `${MYSQL_SERVER}/${name}`;
  const db = knex({ client: 'mysql2', connection: { uri: url }, pool: { min: 0, max: 2 } });
  for (const statement of WHMCS_SCHEMA) await db.raw(statement);
  for (const [table, rows] of Object.entries(ROWS)) await db(table).insert(rows);
  return {
    url,
    db,
    async drop() {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.destroy();
    },
  };
}
