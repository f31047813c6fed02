import { expect } from 'chai';
import net from 'node:net';
import { onEachDatabase } from './support/databases';
import { connect } from '../module/db/connection';
import { hostUris } from '../module/db/failover';

describe('a database URL with several hosts', () => {
  it('is one URL per host, in the order given, each with the credentials, database and options', () => {
    expect(hostUris('mysql://app:s3cret@10.0.0.1:3306,10.0.0.2:3307, 10.0.0.3/agenttools?ssl=true')).to.deep.equal([
      'mysql://app:s3cret@10.0.0.1:3306/agenttools?ssl=true',
      'mysql://app:s3cret@10.0.0.2:3307/agenttools?ssl=true',
      'mysql://app:s3cret@10.0.0.3/agenttools?ssl=true',
    ]);
    expect(hostUris('mysql://root@127.0.0.1:3306/db')).to.deep.equal(['mysql://root@127.0.0.1:3306/db']);
  });
});

/** A port on loopback where nothing listens: what a database node killed leaves. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

onEachDatabase(
  'an app node whose first database host is down',
  ({ current }) => {
    it('works on the next host listed', async () => {
      // mysql://root@127.0.0.1:3306/db → mysql://root@127.0.0.1:<dead>,127.0.0.1:3306/db
      const db = connect(current().url.replace('@', `@127.0.0.1:${await deadPort()},`));
      try {
        const rows = await Promise.all(Array.from({ length: 12 }, (_, i) => db.raw('select ? as n', [i])));
        expect(rows).to.have.length(12);
      } finally {
        await db.destroy();
      }
    });
  },
  ['mariadb'],
);
