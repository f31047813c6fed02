import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { createHost } from '../host/app';
import { MemoryLogger } from '../module/core/logger';
import { asRows, text } from '../module/db/columns';

/**
 * Galera replicates a table without a primary key badly (or, with pxc_strict_mode and
 * sql_require_primary_key, refuses it): every table the module and the reference host make has one,
 * their migration and lock tables and the session store's included.
 */
onEachDatabase(
  'every table has a primary key',
  ({ current }) => {
    it('after the host and the module have migrated', async () => {
      const host = await createHost({ db: current().db, logger: new MemoryLogger() });
      await host.stop();
      const [rows] = (await current().db.raw(
        `SELECT t.table_name AS name FROM information_schema.tables t
          WHERE t.table_schema = DATABASE() AND NOT EXISTS (
            SELECT 1 FROM information_schema.table_constraints c
             WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY')`,
      )) as [unknown];
      expect(asRows(rows).map((r) => text(r.name))).to.deep.equal([]);
      const [all] = (await current().db.raw('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE()')) as [unknown];
      // Not vacuous: the host's and the module's tables are there (40 and more).
      expect(Number(asRows(all)[0]?.n)).to.be.greaterThan(40);
    });
  },
  ['mariadb'],
);
