import { connect } from '../module/db/connection';
import { consoleLogger } from '../module/core/logger';
import { createHost } from './app';
import { DEMO, DEMO_PASSWORD, seedDemo } from './seed';

/**
 * npm start: the reference billing platform with Agent Tools, on SQLite (data/agenttools.sqlite)
 * unless DATABASE_URL says otherwise. The first start seeds demo data.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'sqlite:data/agenttools.sqlite';
  const port = Number(process.env.PORT ?? 3000);
  const siteUrl = process.env.SITE_URL ?? `http://localhost:${port}`;
  const db = connect(url);
  const logger = consoleLogger;

  const host = await createHost({ db, logger, siteUrl, smtpUrl: process.env.SMTP_URL });
  const fresh = !(await db('host_admins').first());
  if (fresh && process.env.SEED !== '0') await seedDemo(db, logger);

  const server = host.app.listen(port, () => {
    console.log(`\nCloud Billing with Agent Tools: ${siteUrl}  (database: ${url.replace(/\/\/[^@]*@/, '//…@')})`);
    if (fresh) {
      console.log(`  admin:  ${siteUrl}/admin/login   ${DEMO.admin} / ${DEMO_PASSWORD}`);
      console.log(`  agent:  ${siteUrl}/login         ${DEMO.agent} / ${DEMO_PASSWORD}`);
      console.log(`  Cloud One agent:                ${DEMO.cloudOneAgent} / ${DEMO_PASSWORD}`);
      console.log(`  CloudCodes agent:               ${DEMO.cloudCodesAgent} / ${DEMO_PASSWORD}`);
      console.log(`  client: ${siteUrl}/login         ${DEMO.client} / ${DEMO_PASSWORD}`);
      console.log(`  referral link: ${siteUrl}/aff.php?aff=1\n`);
    }
  });

  // The daily cron: checked hourly, run once a day across all nodes (a row per day is the lease).
  const cron = setInterval(() => void host.billing.runDailyCron().catch((e) => logger.error('cron failed', { error: String(e) })), 3600_000);
  void host.billing.runDailyCron().catch((e) => logger.error('cron failed', { error: String(e) }));

  const shutdown = async () => {
    clearInterval(cron);
    server.close();
    await host.stop();
    await db.destroy();
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      shutdown().then(
        () => process.exit(0),
        (e: unknown) => {
          console.error(e);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
