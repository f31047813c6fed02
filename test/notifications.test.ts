import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, session, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { renderEmail } from '../module/notifications/email-template';

interface Received {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/** Quoted-printable or base64 bytes, as nodemailer writes them, back to text. */
function decodeBody(body: string, encoding: string): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (!/quoted-printable/i.test(encoding)) return body;
  const joined = body.replace(/=\r?\n/g, '');
  return Buffer.from(
    joined.replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

/** RFC 2047 encoded words in a header (=?UTF-8?Q?…?= or =?UTF-8?B?…?=). */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_m, kind: string, text: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeBody(text.replace(/_/g, ' '), 'quoted-printable'),
    );
}

/** Just enough of a single-part message to read what the agent would read. */
function parseMessage(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(headers)?.[1] ?? '';
  return { subject: decodeHeader(header('Subject')), text: decodeBody(raw.slice(split + 4), header('Content-Transfer-Encoding')).replace(/\r\n/g, '\n') };
}

/** An SMTP server in this process, on an ephemeral port: the real conversation nodemailer has. */
async function startSmtp(options: { refuse?: boolean } = {}) {
  const received: Received[] = [];
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!options.refuse) return callback();
      refused++;
      callback(Object.assign(new Error(`<${address.address}>: mailbox unavailable`), { responseCode: 550 }));
    },
    onData(stream, s, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ from: s.envelope.mailFrom ? s.envelope.mailFrom.address : '', to: s.envelope.rcptTo.map((r) => r.address), ...parseMessage(Buffer.concat(chunks).toString('utf8')) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  let closed: Promise<void> | null = null;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refused: () => refused,
    to: (address: string) => received.filter((m) => m.to.includes(address)),
    /** Stops listening; the test of a server that is down calls it early. */
    close: () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

type Smtp = Awaited<ReturnType<typeof startSmtp>>;

/** Ann manages Wanjiru (a service-manager grant); Ben has Kofi assigned by an admin; Pat has no agent. */
async function world(f: Fixture) {
  const { billing, agentTools } = f.host;
  const core = agentTools.services;
  const client = (firstname: string, lastname: string, email: string, currency = 'USD') => billing.createClient({ firstname, lastname, email, password: PASSWORD, currency });
  const program = (await core.programs.bySlug('default'))!;
  const ann = (await core.agents.activateForClient(await client('Ann', 'Agent', 'ann@example.com'), program.id)).id;
  const ben = (await core.agents.activateForClient(await client('Ben', 'Broker', 'ben@example.com'), program.id)).id;
  const wanjiru = await client('Wanjiru', 'Kamau', 'wanjiru@example.com', 'KES');
  const kofi = await client('Kofi', 'Mensah', 'kofi@example.com', 'UGX');
  const pat = await client('Pat', 'Plain', 'pat@example.com');
  await core.serviceManagers.grant(wanjiru, ann, 'client:wanjiru', false);
  await core.assignments.assign(kofi, ben, 'admin', 'met at the Kampala meetup');
  const [groupId] = await f.host.db('host_product_groups').insert({ name: 'Regional' });
  const [kesProduct] = await f.host.db('host_products').insert({ group_id: groupId, name: 'Cloud Server L', currency: 'KES', price_minor: 1_234_550, setup_minor: 100_000 });
  const [ugxProduct] = await f.host.db('host_products').insert({ group_id: groupId, name: 'Kampala VPS', currency: 'UGX', price_minor: 150_000, setup_minor: 0 });
  return { ann, ben, wanjiru, kofi, pat, kesProduct: Number(kesProduct), ugxProduct: Number(ugxProduct) };
}

type World = Awaited<ReturnType<typeof world>>;

onEachDatabase('agent notifications over SMTP', ({ current }) => {
  let smtp: Smtp;
  let f: Fixture;
  let w: World;
  let wanjiruSession: Session;
  let admin: Session;
  let invoiceId: number;
  let serviceId: number;

  before(async () => {
    smtp = await startSmtp();
    f = await startHost(current().db, '2026-03-02T09:00:00Z', { smtpUrl: smtp.url });
    w = await world(f);
    wanjiruSession = await session(f.host, { email: 'wanjiru@example.com' });
    admin = await session(f.host, { admin: true });
  });
  after(async () => {
    await f.host.stop();
    await smtp.close();
  });

  it("a managed client's new order e-mails their service manager, naming the client, the order and the invoice, in KES with two decimals", async () => {
    const res = await wanjiruSession.post('/clientarea', '/order', { product_id: w.kesProduct });
    expect(res.status).to.equal(303);
    invoiceId = Number(/\/invoices\/(\d+)/.exec(String(res.headers.location))![1]);
    const order = await current().db('host_orders').where({ invoice_id: invoiceId }).first();
    const [mail, ...more] = smtp.to('ann@example.com');
    expect(more).to.deep.equal([]);
    expect(mail!.from).to.equal('billing@localhost');
    expect(mail!.to).to.deep.equal(['ann@example.com']);
    expect(mail!.subject).to.equal(`New order #${order.id} from your client Wanjiru Kamau`);
    expect(mail!.text).to.contain('Hello Ann Agent,');
    expect(mail!.text).to.contain(`Wanjiru Kamau has placed order #${order.id}. Invoice #${invoiceId} for KES\u00a013,345.50 is waiting for payment.`);
    expect(mail!.text).to.contain('- Cloud Server L: KES\u00a012,345.50\n- Cloud Server L setup fee: KES\u00a01,000.00\n');
    expect(mail!.text).to.contain('Your agent panel: http://billing.test/index.php?m=agenttools');
  });

  it('paying the invoice e-mails "invoice paid" once, even when InvoicePaid is delivered again', async () => {
    const invoicePage = `/invoices/${invoiceId}`;
    expect((await wanjiruSession.post(invoicePage, `${invoicePage}/pay`, {})).status).to.equal(303);
    await f.host.hooks.run('InvoicePaid', { invoiceid: invoiceId });
    const paid = smtp.to('ann@example.com').filter((m) => m.subject.includes('paid'));
    expect(paid.map((m) => m.subject)).to.deep.equal([`Invoice #${invoiceId} paid by your client Wanjiru Kamau`]);
    expect(paid[0]!.text).to.contain(`Wanjiru Kamau has paid invoice #${invoiceId}: KES\u00a013,345.50.`);
    const rows = await current().db(T.notifications).where({ event: 'invoice_paid', subject_id: invoiceId });
    expect(rows.map((r) => [Number(r.agent_id), r.status, r.to])).to.deep.equal([[w.ann, 'sent', 'ann@example.com']]);
  });

  it("the paid order is an Active service; a suspension needs the admin's POST with its form token, and then the agent hears which service of which client", async () => {
    const service = await current().db('host_services').where({ client_id: w.wanjiru }).first();
    expect(service.status).to.equal('Active');
    serviceId = Number(service.id);
    const page = `/admin/clients/${w.wanjiru}`;
    expect((await admin.agent.get(page)).text).to.contain(`action="/admin/services/${serviceId}/suspend"`);

    const forged = await admin.agent.post(`/admin/services/${serviceId}/suspend`).type('form').send({});
    expect(forged.status).to.equal(403);
    const asClient = await wanjiruSession.post('/clientarea', `/admin/services/${serviceId}/suspend`, {});
    expect(asClient.status).to.equal(302);
    expect((await current().db('host_services').where({ id: serviceId }).first()).status).to.equal('Active');
    expect(smtp.to('ann@example.com').filter((m) => m.subject.includes('suspended'))).to.deep.equal([]);

    const res = await admin.post(page, `/admin/services/${serviceId}/suspend`, {});
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`${page}?done=suspended`);
    expect((await current().db('host_services').where({ id: serviceId }).first()).status).to.equal('Suspended');
    const [mail, ...more] = smtp.to('ann@example.com').filter((m) => m.subject.includes('suspended'));
    expect(more).to.deep.equal([]);
    expect(mail!.subject).to.equal(`Service #${serviceId} of your client Wanjiru Kamau was suspended`);
    expect(mail!.text).to.contain(`The service #${serviceId} (Cloud Server L) of Wanjiru Kamau has been suspended.`);
    expect((await admin.post(page, `/admin/services/${serviceId}/suspend`, {})).status).to.equal(409);
  });

  it("an assigned client's invoice left unpaid past its due date is announced once, by the daily cron, in UGX without decimals", async () => {
    const invoice = await f.host.billing.placeOrder(w.kofi, w.ugxProduct);
    expect(smtp.to('ben@example.com').map((m) => m.subject)).to.deep.equal([
      `New order #${(await current().db('host_orders').where({ invoice_id: invoice }).first()).id} from your client Kofi Mensah`,
    ]);
    const overdue = () => smtp.to('ben@example.com').filter((m) => m.subject.includes('overdue'));

    f.clock.advanceDays(6);
    expect((await admin.post('/admin', '/admin/cron', {})).status).to.equal(303);
    expect(overdue()).to.deep.equal([]);

    f.clock.advanceDays(2);
    expect((await admin.post('/admin', '/admin/cron', {})).status).to.equal(303);
    expect((await admin.post('/admin', '/admin/cron', {})).status).to.equal(303);
    expect(overdue().map((m) => m.subject)).to.deep.equal([`Invoice #${invoice} of your client Kofi Mensah is overdue`]);
    expect(overdue()[0]!.text).to.contain(`Invoice #${invoice} of Kofi Mensah for UGX\u00a0150,000 is past its due date and still unpaid.`);
    expect(overdue()[0]!.text).to.contain('- Kampala VPS: UGX\u00a0150,000\n');
    const row = await current().db('host_invoices').where({ id: invoice }).first();
    expect([row.status, row.overdue_at === null]).to.deep.equal(['Unpaid', false]);
    expect(smtp.to('ann@example.com').filter((m) => m.subject.includes('overdue'))).to.deep.equal([]);
  });

  it('a plain client with no agent orders, pays and is suspended without any agent hearing of it', async () => {
    const before = smtp.received.length;
    const invoice = await f.host.billing.placeOrder(w.pat, f.productId);
    await f.host.billing.payInvoice(invoice);
    const service = await current().db('host_services').where({ client_id: w.pat }).first();
    await f.host.billing.suspendService(Number(service.id));
    expect(smtp.received.slice(before)).to.deep.equal([]);
    expect(await current().db(T.notifications).where({ client_id: w.pat })).to.deep.equal([]);
  });
});

onEachDatabase('agent notifications when SMTP fails', ({ current }) => {
  let smtp: Smtp;
  let f: Fixture;
  let w: World;

  before(async () => {
    smtp = await startSmtp({ refuse: true });
    f = await startHost(current().db, '2026-03-02T09:00:00Z', { smtpUrl: smtp.url });
    w = await world(f);
  });
  after(async () => {
    await f.host.stop();
    await smtp.close();
  });

  it("a server that refuses the agent's mailbox does not stop the order or the payment: the commission is earned, the error logged and kept", async () => {
    const invoice = await f.host.billing.placeOrder(w.wanjiru, w.kesProduct);
    await f.host.billing.payInvoice(invoice);
    expect(smtp.refused()).to.equal(2);
    expect(smtp.received).to.deep.equal([]);
    expect((await current().db('host_invoices').where({ id: invoice }).first()).status).to.equal('Paid');
    expect(await current().db(T.commissions).where({ invoice_id: invoice, agent_id: w.ann })).to.not.deep.equal([]);
    const errors = f.logger.lines.filter((l) => l.level === 'error' && l.message === 'agent notification not sent');
    expect(errors.map((l) => [l.data?.event, l.data?.to])).to.deep.equal([
      ['order', 'ann@example.com'],
      ['invoice_paid', 'ann@example.com'],
    ]);
    expect(String(errors[1]!.data?.error)).to.contain('mailbox unavailable');
    const row = await current().db(T.notifications).where({ event: 'invoice_paid', subject_id: invoice }).first();
    expect([row.status, row.error]).to.satisfy(([status, error]: [string, string]) => status === 'failed' && error.includes('550'));
  });

  it('a server that is down does not stop a suspension either', async () => {
    await smtp.close();
    const service = await current().db('host_services').where({ client_id: w.wanjiru }).first();
    await f.host.billing.suspendService(Number(service.id));
    expect((await current().db('host_services').where({ id: service.id }).first()).status).to.equal('Suspended');
    const last = f.logger.lines.filter((l) => l.level === 'error').at(-1)!;
    expect([last.message, last.data?.event]).to.deep.equal(['agent notification not sent', 'service_suspended']);
    expect(String(last.data?.error)).to.match(/ECONNREFUSED|connect/i);
  });
});

describe('agent e-mail templates', () => {
  it('are plain text: a name keeps its apostrophe and ampersand unescaped, and a line break in it cannot add a line to the subject or the text', async () => {
    const invoice = { id: 7, total_minor: 12_345, currency: 'KWD', lines: [{ description: 'Backup & Restore', amount_minor: 12_345 }] };
    const mail = await renderEmail('invoice-paid', 'english', {
      client: { name: "Seán O'Brien\r\nBcc: eve@example.com" },
      agent: { name: 'Ann Agent' },
      url: 'http://billing.test/index.php?m=agenttools',
      invoice,
    });
    expect(mail.subject).to.equal("Invoice #7 paid by your client Seán O'Brien Bcc: eve@example.com");
    expect(mail.text.split('\n')).to.deep.equal([
      'Hello Ann Agent,',
      '',
      "Seán O'Brien Bcc: eve@example.com has paid invoice #7: KWD\u00a012.345.",
      '',
      'Items:',
      '- Backup & Restore: KWD\u00a012.345',
      '',
      "You receive this because Seán O'Brien Bcc: eve@example.com is one of your clients.",
      'Your agent panel: http://billing.test/index.php?m=agenttools',
      '',
    ]);
  });
});
