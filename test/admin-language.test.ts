import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, startHost } from './support/host-fixture';
import { ADMIN_AREA } from '../module/http/paths';
import { langFile } from '../module/i18n/lang';

/** The inbox's heading on the admin area's home. */
const heading = (html: string) => /data-testid="inbox">\s*<h2>([^<]*)<\/h2>/.exec(html)?.[1] ?? '';

/*
 * The reference host keeps each admin's own language (host_admins.language, as WHMCS keeps
 * tbladmins.language) and gives it to the module as HostAdmin.language: the admin area speaks it.
 */
onEachDatabase('the admin area in the admin’s own language', ({ current }) => {
  let f: Fixture;

  before(async () => {
    f = await startHost(current().db);
  });
  after(async () => {
    await f?.host.stop();
  });

  it('no language of their own: English; russian: Russian; swahili: Swahili, read again on the next request', async () => {
    const admin = await session(f.host, { admin: true });
    const inbox = async () => heading((await admin.agent.get(ADMIN_AREA)).text);
    const seen = [await inbox()];
    for (const language of ['russian', 'swahili']) {
      await f.host.db('host_admins').where({ username: 'admin' }).update({ language });
      seen.push(await inbox());
    }
    const title = (language: string) => langFile(language).strings['adminarea.inbox.title'];
    expect(seen).to.deep.equal([title('english'), title('russian'), title('swahili')]);
    expect(new Set(seen).size, 'three different titles').to.equal(3);
  });
});
