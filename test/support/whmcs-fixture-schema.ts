/**
 * WHMCS 8's definitions of the tables the import reads, for a fixture WHMCS database on MariaDB.
 *
 * Where they come from: the mysqldump of a fresh WHMCS 8.4.0 installation (its tblconfiguration
 * says Version 8.4.0-release.1) published in the public repository EvergeneIO/YTVVU, file
 * src/database/whmcs_demo_2022-02-19_06-03-42.sql at commit 9cafef78d2703da4215f58d33c8e09b4099de4a4.
 * The affiliate tables and tblcurrencies are as that dump defines them, column for column, with
 * their types (DECIMAL(16,2) amounts, DATE dates, WHMCS's '0000-00-00' defaults) and keys; WHMCS
 * documents the same columns in its API (GetAffiliates answers id, clientid, date, visitors,
 * paytype, payamount, onetime, balance, withdrawn). Older WHMCS (5–7) had DECIMAL(10,2) and no
 * invoice_id in tblaffiliatespending: the import reads invoice_id only when the column is there.
 * tblclients and tblhosting keep the columns the import reads and their neighbours; the address,
 * card, password and server columns of the dump are left out, as nothing here reads them.
 */
export const WHMCS_SCHEMA: string[] = [
  `CREATE TABLE tblaffiliates (
    id int(10) NOT NULL AUTO_INCREMENT,
    date date DEFAULT NULL,
    clientid int(10) NOT NULL,
    visitors int(1) NOT NULL,
    paytype text NOT NULL,
    payamount decimal(16,2) NOT NULL,
    onetime int(1) NOT NULL,
    balance decimal(16,2) NOT NULL DEFAULT 0.00,
    withdrawn decimal(16,2) NOT NULL DEFAULT 0.00,
    created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    PRIMARY KEY (id),
    KEY clientid (clientid)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci`,
  `CREATE TABLE tblaffiliatesaccounts (
    id int(10) NOT NULL AUTO_INCREMENT,
    affiliateid int(10) NOT NULL,
    relid int(10) NOT NULL,
    lastpaid date NOT NULL DEFAULT '0000-00-00',
    created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    PRIMARY KEY (id),
    KEY affiliateid (affiliateid)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci`,
  `CREATE TABLE tblaffiliateshistory (
    id int(10) NOT NULL AUTO_INCREMENT,
    affiliateid int(10) NOT NULL,
    date date NOT NULL,
    affaccid int(10) NOT NULL,
    invoice_id int(10) unsigned NOT NULL DEFAULT 0,
    description text NOT NULL,
    amount decimal(16,2) NOT NULL,
    created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    PRIMARY KEY (id),
    KEY affiliateid (affiliateid)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci`,
  `CREATE TABLE tblaffiliatespending (
    id int(10) NOT NULL AUTO_INCREMENT,
    affaccid int(10) NOT NULL DEFAULT 0,
    invoice_id int(10) unsigned NOT NULL DEFAULT 0,
    amount decimal(16,2) NOT NULL,
    clearingdate date NOT NULL,
    created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    PRIMARY KEY (id),
    KEY clearingdate (clearingdate)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci`,
  `CREATE TABLE tblaffiliateswithdrawals (
    id int(10) NOT NULL AUTO_INCREMENT,
    affiliateid int(10) NOT NULL,
    date date NOT NULL,
    amount decimal(16,2) NOT NULL,
    created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    PRIMARY KEY (id),
    KEY affiliateid (affiliateid)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci`,
  `CREATE TABLE tblcurrencies (
    id int(10) NOT NULL AUTO_INCREMENT,
    code text NOT NULL,
    prefix text NOT NULL,
    suffix text NOT NULL,
    format int(1) NOT NULL,
    rate decimal(10,5) NOT NULL DEFAULT 1.00000,
    \`default\` int(1) NOT NULL,
    PRIMARY KEY (id)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci`,
  `CREATE TABLE tblclients (
    id int(10) NOT NULL AUTO_INCREMENT,
    uuid varchar(255) NOT NULL DEFAULT '',
    firstname text NOT NULL,
    lastname text NOT NULL,
    companyname text NOT NULL,
    email text NOT NULL,
    currency int(10) NOT NULL,
    credit decimal(16,2) NOT NULL,
    datecreated date NOT NULL,
    status enum('Active','Inactive','Closed') NOT NULL DEFAULT 'Active',
    created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    PRIMARY KEY (id),
    KEY firstname_lastname (firstname(32),lastname(32)),
    KEY email (email(64))
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci`,
  `CREATE TABLE tblhosting (
    id int(10) NOT NULL AUTO_INCREMENT,
    userid int(10) NOT NULL,
    orderid int(10) NOT NULL,
    packageid int(10) NOT NULL,
    regdate date NOT NULL,
    domain text NOT NULL,
    amount decimal(16,2) NOT NULL DEFAULT 0.00,
    billingcycle text NOT NULL,
    domainstatus enum('Pending','Active','Suspended','Terminated','Cancelled','Fraud','Completed') NOT NULL DEFAULT 'Pending',
    created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
    PRIMARY KEY (id),
    KEY userid (userid),
    KEY orderid (orderid),
    KEY productid (packageid),
    KEY domainstatus (domainstatus)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci`,
];
