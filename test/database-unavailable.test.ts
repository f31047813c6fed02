import net from 'node:net';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { session, startHost, type Fixture } from './support/host-fixture';
import { connect } from '../module/db/connection';
import { databaseUnavailable } from '../host/request-errors';

describe('which errors mean the database is out of reach', () => {
  it('connection refused, a lost connection, a Galera node not ready and a pool timeout are; a SQL error and a plain error are not', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    expect(databaseUnavailable(coded('ECONNREFUSED'))).to.equal(true);
    expect(databaseUnavailable(coded('PROTOCOL_CONNECTION_LOST'))).to.equal(true);
    expect(databaseUnavailable(Object.assign(new Error('WSREP has not yet prepared node'), { errno: 1047, code: 'ER_UNKNOWN_COM_ERROR' }))).to.equal(true);
    expect(databaseUnavailable(Object.assign(new Error('Timeout acquiring a connection'), { name: 'KnexTimeoutError' }))).to.equal(true);
    expect(databaseUnavailable(Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY', errno: 1062 }))).to.equal(false);
    expect(databaseUnavailable(new Error('boom'))).to.equal(false);
    expect(databaseUnavailable('not an error')).to.equal(false);
  });
});

/**
 * A database node that goes away under a running app: the app reaches MariaDB through a TCP
 * proxy, the proxy drops every connection and refuses new ones, and the pages that need the
 * database answer 503 with Retry-After (not 500); when the proxy is back, they answer again.
 */
onEachDatabase(
  'a database node out of reach',
  ({ current }) => {
    let proxy: net.Server;
    let port = 0;
    let up = true;
    const sockets = new Set<net.Socket>();
    let db: Knex;
    let f: Fixture;

    const listen = () =>
      new Promise<void>((resolve) => {
        proxy = net.createServer((client) => {
          if (!up) return void client.destroy();
          const server = net.connect(3306, '127.0.0.1');
          for (const s of [client, server]) {
            sockets.add(s);
            s.on('close', () => sockets.delete(s));
            s.on('error', () => undefined);
          }
          client.pipe(server).pipe(client);
        });
        proxy.listen(port, '127.0.0.1', () => {
          const address = proxy.address();
          if (address && typeof address === 'object') port = address.port;
          resolve();
        });
      });

    before(async function () {
      this.timeout(120_000);
      await listen();
      db = connect(current().url.replace('127.0.0.1:3306', `127.0.0.1:${port}`));
      f = await startHost(db);
    });
    after(async () => {
      up = true;
      await f.host.stop();
      await db.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    });

    it('answers 503 with Retry-After while the node is gone, logged as a warning, and serves again once it is back', async function () {
      this.timeout(60_000);
      // The admin's page reads the session and the clients from the database on every view.
      const admin = await session(f.host, { admin: true });
      const page = () => admin.agent.get('/admin');
      expect((await page()).status).to.equal(200);
      up = false;
      for (const s of sockets) s.destroy();
      const down = await page();
      expect(down.status, down.text).to.equal(503);
      expect(down.headers['retry-after']).to.equal('2');
      expect(f.logger.lines.filter((l) => l.level === 'error')).to.deep.equal([]);
      expect(f.logger.lines.some((l) => l.level === 'warn' && l.message === 'database unavailable')).to.equal(true);
      up = true;
      // The pool makes new connections through the proxy again.
      let back = await page();
      for (let i = 0; i < 20 && back.status >= 500; i++) back = await page();
      expect(back.status).to.equal(200);
    });
  },
  ['mariadb'],
);
