import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, skipUnlessChromium } from './support/chromium';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, startHost } from './support/host-fixture';

/** The service-manager flow in a real browser (Debian's Chromium, driven by playwright-core). */
onEachDatabase('in Chromium: service manager link → confirm → panel → sign in as client → order → return → revoke', ({ current }) => {
  let f: Fixture;
  let server: Server;
  let base: string;
  let browser: Browser;
  let agentId: number;

  before(async function () {
    skipUnlessChromium(this);
    f = await startHost(current().db);
    server = f.host.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agentClient = await f.host.billing.createClient({ firstname: 'Amani', lastname: 'Agent', email: 'amani@example.com', password: PASSWORD, phonenumber: '+254 711 000 000', currency: 'USD' });
    agentId = (await f.host.agentTools.services.agents.activateForClient(agentClient, (await f.host.agentTools.services.programs.bySlug('default'))!.id)).id;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    server?.close();
    await f?.host.stop();
  });

  const newPage = async (): Promise<Page> => (await browser.newContext()).newPage();
  const text = (page: Page) => page.locator('main').innerText();

  it('walks the whole flow', async () => {
    // A client opens the agent's link, signs up, and lands on the confirmation.
    const client = await newPage();
    await client.goto(`${base}/index.php?m=agenttools&t=serviceManager&affid=${agentId}`);
    expect(client.url()).to.contain('/login?return=');
    await client.locator('main').getByRole('link', { name: 'Sign up' }).click();
    await client.fill('#firstname', 'Neema');
    await client.fill('#lastname', 'Client');
    await client.fill('#email', 'neema@example.com');
    await client.fill('#password', PASSWORD);
    await client.getByRole('button', { name: 'Create account' }).click();
    await client.waitForURL(/t=serviceManager/);
    expect(await text(client)).to.contain('Amani Agent');
    expect(await text(client)).to.contain('place orders that you pay');
    await client.getByRole('button', { name: 'Confirm and grant access' }).click();
    await client.waitForURL(/serviceManagerDetails/);
    expect(await text(client)).to.contain('Amani Agent is now your service manager.');
    await client.goto(`${base}/clientarea`);
    expect(await client.locator('[data-panel="agenttools-service-manager"]').innerText()).to.contain('+254 711 000 000');

    // The agent sees the client on their panel and signs in as them.
    const agent = await newPage();
    await agent.goto(`${base}/login`);
    await agent.fill('#email', 'amani@example.com');
    await agent.fill('#password', PASSWORD);
    await agent.getByRole('button', { name: 'Log in' }).click();
    await agent.goto(`${base}/index.php?m=agenttools&action=managed`);
    await agent.locator('[data-testid="managed-clients"]').getByRole('button', { name: 'Sign in as client' }).click();
    await agent.waitForURL(/\/clientarea$/);
    expect(await agent.locator('[data-testid="sign-in-banner"]').innerText()).to.contain('Amani Agent (service manager) is signed in as Neema Client');

    // As the client, the agent orders; the invoice is the client's.
    await agent.goto(`${base}/`);
    await agent
      .getByRole('row', { name: /Cloud Server M/ })
      .getByRole('button', { name: 'Order' })
      .click();
    await agent.waitForURL(/\/invoices\/\d+$/);
    const clientRow = await f.host.db('host_clients').where({ email: 'neema@example.com' }).first();
    expect(await f.host.db('host_invoices').where({ client_id: clientRow.id })).to.have.length(1);

    // Back to the agent panel.
    await agent.getByRole('button', { name: 'Return to agent panel' }).click();
    await agent.waitForURL(/m=agenttools$/);
    expect(await agent.locator('[data-testid="sign-in-banner"]').count()).to.equal(0);
    await agent.goto(`${base}/index.php?m=agenttools&action=managed`);
    expect(await agent.locator('[data-testid="managed-clients"]').innerText()).to.contain('Neema Client');

    // The client revokes; the agent can no longer sign in as them.
    await client.goto(`${base}/index.php?m=agenttools&action=serviceManagerDetails`);
    expect(await text(client)).to.contain('POST /order');
    await client.fill('#reason', 'doing it myself');
    await client.getByRole('button', { name: 'Revoke access' }).click();
    await client.waitForURL(/done=revoked/);
    expect(await text(client)).to.contain('no longer has access');
    await agent.reload();
    expect(await agent.locator('[data-testid="managed-clients"]').innerText()).not.to.contain('Neema Client');
  });
});
