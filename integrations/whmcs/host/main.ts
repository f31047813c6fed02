import { connect } from '../../../module/db/connection';
import { createWhmcsBridge } from './server';

/**
 * The Agent Tools service for WHMCS (docs/whmcs.md):
 *   npx tsx integrations/whmcs/host/main.ts                      serve on PORT (3100)
 *   npx tsx integrations/whmcs/host/main.ts create-source whmcs   make an event source, print its secret once
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required (see docs/whmcs.md)`);
  return value;
}

async function main(): Promise<void> {
  const db = connect(process.env.DATABASE_URL ?? 'sqlite:data/agenttools-whmcs.sqlite');
  const bridge = await createWhmcsBridge({
    db,
    whmcs: { url: required('WHMCS_URL'), identifier: required('WHMCS_API_IDENTIFIER'), secret: required('WHMCS_API_SECRET') },
    siteUrl: process.env.SITE_URL ?? required('WHMCS_URL'),
    timeZone: process.env.WHMCS_TIME_ZONE ?? 'UTC',
  });
  if (process.argv[2] === 'create-source') {
    const source = await bridge.agentTools.services.eventSources.create(process.argv[3] ?? 'whmcs');
    console.log(`event source ${source.name} (#${source.id}); its secret, shown this once:\n${source.secret}`);
    await bridge.agentTools.stop();
    await db.destroy();
    return;
  }
  const port = Number(process.env.PORT ?? 3100);
  const server = bridge.app.listen(port, process.env.HOST ?? '127.0.0.1', () => console.log(`Agent Tools for WHMCS on port ${port}`));
  process.once('SIGTERM', () => {
    server.close();
    bridge.agentTools
      .stop()
      .then(() => db.destroy())
      .catch((e: unknown) => console.error('stop failed:', e));
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
