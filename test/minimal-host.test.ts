import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { createMinimalHost, type MinimalHost } from '../examples/minimal-host/main';

const AREA = '/index.php?m=agenttools';
const ADMIN_AREA = '/admin/addonmodules.php?module=agenttools';
const PASSWORD = 'correct horse battery';

function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no CSRF token on the page: ${html.slice(0, 300)}`);
  return m[1]!;
}

/** A browser: keeps its cookies, reads a page's form token before it posts. */
function browser(host: MinimalHost) {
  const agent = request.agent(host.app);
  return {
    agent,
    async post(page: string, action: string, form: Record<string, string | number>) {
      // The token first: the agent attaches its cookies when the request is made.
      const token = csrfFrom((await agent.get(page)).text);
      return agent
        .post(action)
        .type('form')
        .send({ ...form, _csrf: token });
    },
  };
}

/** The code block under the README's "Installing the module in a host" heading. */
function readmeInstallBlock(readme: string): string | null {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Installing the module in a host'));
  return section ? (/^```ts\n([\s\S]*?)^```$/m.exec(section)?.[1] ?? null) : null;
}

describe("the README shows the minimal host's install.ts", () => {
  const ROOT = path.resolve(__dirname, '..');

  it('its "Installing the module in a host" block is examples/minimal-host/install.ts, byte for byte', () => {
    const block = readmeInstallBlock(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    expect(block).to.equal(fs.readFileSync(path.join(ROOT, 'examples/minimal-host/install.ts'), 'utf8'));
  });

  it('the check reads the block of that section only, and sees a difference', () => {
    const readme = '## Other\n\n```ts\nother();\n```\n\n## Installing the module in a host\n\nText.\n\n```ts\nconst a = 1;\n```\n\n## Next\n';
    expect(readmeInstallBlock(readme)).to.equal('const a = 1;\n');
    expect(readmeInstallBlock(readme)).to.not.equal('const a = 2;\n');
    expect(readmeInstallBlock('## Installing the module in a host\n\nno code\n')).to.equal(null);
  });
});

/** The minimal host, over HTTP: a revoke by the client ends the agent's sign-in as that client on its next request. */
onEachDatabase('the minimal host', (database) => {
  let host: MinimalHost;
  let agentId: number;
  let clientId: number;
  let invoiceId: number;
  let agent: ReturnType<typeof browser>;
  let client: ReturnType<typeof browser>;

  const signUp = async (b: ReturnType<typeof browser>, email: string, firstname: string) => {
    const res = await b.post('/register', '/register', { email, firstname, lastname: 'Test', password: PASSWORD });
    expect([res.status, res.headers.location]).to.deep.equal([303, '/clientarea']);
    return host.billing.clientByEmail(email)!.id;
  };

  before(async () => {
    host = await createMinimalHost({ db: database.current().db, siteUrl: 'http://billing.test', admin: { username: 'admin', password: PASSWORD } });
    agent = browser(host);
    const agentClientId = await signUp(agent, 'ann@example.com', 'Ann');
    const admin = browser(host);
    await admin.post('/admin/login', '/admin/login', { username: 'admin', password: PASSWORD });
    const activated = await admin.post(`${ADMIN_AREA}&action=agents`, `${ADMIN_AREA}&action=activateAgent`, { client_id: agentClientId });
    expect(activated.status).to.equal(303);
    // The service-manager link, with the agent's id, is on the Clients-you-manage page.
    const panel = (await agent.agent.get(`${AREA}&action=managed`)).text;
    agentId = Number(/affid=(\d+)/.exec(panel)?.[1]);
    expect(agentId).to.be.greaterThan(0);

    client = browser(host);
    clientId = await signUp(client, 'wanjiru@example.com', 'Wanjiru');
    invoiceId = host.billing.recordPaidInvoice(clientId, [{ description: 'Cloud Server M', amount_minor: 12_345 }]).id;
    const granted = await client.post(`${AREA}&t=serviceManager&affid=${agentId}`, `${AREA}&action=serviceManagerConfirm`, { affid: agentId });
    expect(granted.status).to.equal(303);
  });
  after(() => host.agentTools.stop());

  it("the agent signs in as the client who granted them and sees the client's invoices, under a banner", async () => {
    const res = await agent.post(`${AREA}&action=managed`, `${AREA}&action=signInAsClient`, { client_id: clientId });
    expect([res.status, res.headers.location]).to.deep.equal([303, '/clientarea']);
    const page = await agent.agent.get('/clientarea');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`#${invoiceId} USD 123.45 Paid`);
    expect(page.text).to.contain('data-testid="sign-in-banner"');
  });

  it("a 'never' route refuses the agent signed in as the client: the password stays the client's", async () => {
    const res = await agent.post('/clientarea', '/account/password', { password: 'the agent chose this' });
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('The client has not allowed their service manager to do this.');
    expect(host.billing.signInClient('wanjiru@example.com', PASSWORD)?.id).to.equal(clientId);
    expect(host.billing.signInClient('wanjiru@example.com', 'the agent chose this')).to.equal(null);
  });

  it("the client revokes in their own session; the agent's very next request is not carried out and ends the sign-in", async () => {
    const revoked = await client.post(`${AREA}&action=serviceManagerDetails`, `${AREA}&action=serviceManagerRevoke`, { reason: 'changed my mind' });
    expect(revoked.status).to.equal(303);
    const next = await agent.agent.get('/clientarea');
    expect([next.status, next.headers.location]).to.deep.equal([303, `${AREA}&signin=ended`]);
    expect(next.text).to.not.contain(`#${invoiceId}`);
    const panel = await agent.agent.get(String(next.headers.location));
    expect(panel.text).to.contain('Your session as the client has ended');
    expect(panel.text).to.not.contain('sign-in-banner');
    const mine = await agent.agent.get('/clientarea');
    expect([mine.status, mine.text.includes(`#${invoiceId}`)]).to.deep.equal([200, false]);
  });

  it('and the agent cannot sign in as that client again', async () => {
    const res = await agent.post(`${AREA}&action=links`, `${AREA}&action=signInAsClient`, { client_id: clientId });
    expect(res.status).to.equal(422);
    expect((await agent.agent.get('/clientarea')).text).to.not.contain(`#${invoiceId}`);
  });
});
