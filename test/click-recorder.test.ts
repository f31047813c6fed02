import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { ClickRecorder } from '../module/tracking/click-recorder';
import { MemoryLogger } from '../module/core/logger';
import { migrationSource } from '../module/db/migrations';
import { MIGRATIONS_TABLE, T } from '../module/db/tables';

const click = (i: number) => ({ agent_id: 1, uid: `uid${i}`, created_at: i, ip: '203.0.113.1', user_agent: 'ua', referer: '' });

onEachDatabase('buffered click recording', ({ current }) => {
  before(() => current().db.migrate.latest({ migrationSource, tableName: MIGRATIONS_TABLE }));

  it('writes every click in batches, and a stop flushes what is left: 5,000 recorded, 5,000 stored', async () => {
    const rec = new ClickRecorder(current().db, new MemoryLogger(), 60_000, 500);
    for (let i = 0; i < 5000; i++) rec.record(click(i));
    await rec.stop();
    expect(Number((await current().db(T.clicks).count({ n: '*' }).first())?.n)).to.equal(5000);
    expect(rec.pending()).to.equal(0);
  });

  it('during a database outage tries once, keeps the clicks, and writes them when the database is back', async () => {
    await current().db(T.clicks).delete();
    const logger = new MemoryLogger();
    await current().db.schema.renameTable(T.clicks, 'clicks_away');
    const rec = new ClickRecorder(current().db, logger, 60_000, 500);
    try {
      for (let i = 0; i < 5000; i++) rec.record(click(i));
      await rec.flush();
      expect(rec.pending()).to.equal(5000);
      expect(logger.lines.filter((l) => l.level === 'error').length).to.be.at.most(2);
    } finally {
      await current().db.schema.renameTable('clicks_away', T.clicks);
    }
    await rec.stop();
    expect(Number((await current().db(T.clicks).count({ n: '*' }).first())?.n)).to.equal(5000);
  });
});
