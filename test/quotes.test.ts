import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, csrfFrom, session, startHost } from './support/host-fixture';
import { ACTORS, type Actor, agentWorld, type World } from './support/agent-world';
import { T } from '../module/db/tables';

const AREA = '/index.php?m=agenttools';
const PAGE = `${AREA}&action=quotes`;
const CREATE = `${AREA}&action=createQuote`;
const SEND = `${AREA}&action=sendQuote`;

/** Quotes: an agent's for their clients and prospects, the client's answer, the order, the commission. */
onEachDatabase('quotes', ({ current }) => {
  let f: Fixture;
  let w: World;
  let quoteId: number;

  const quote = async (id: number) => f.host.db('host_quotes').where({ id }).first();
  const count = async (table: string) => Number((await f.host.db(table).count({ n: '*' }).first())!.n);
  const create = async (form: Record<string, string | number>) => {
    const res = await w.annOwn.post(PAGE, CREATE, form);
    const m = /&done=created&id=(\d+)$/.exec(String(res.headers.location ?? ''));
    return { res, id: m ? Number(m[1]) : null };
  };
  const send = (id: number) => w.annOwn.post(PAGE, SEND, { quote_id: id });
  /** A quote for the managed client, sent and waiting for an answer. */
  const sentQuote = async () => {
    const { id } = await create({ client_id: w.clientId, product_0: f.productId, quantity_0: 1 });
    expect((await send(id!)).status).to.equal(303);
    return id!;
  };
  const commissions = async (agentId: number) => (await current().db(T.commissions).where({ agent_id: agentId }).orderBy('id')).map((c) => `${c.client_id}: ${c.amount_minor} ${c.currency}`);

  before(async () => {
    f = await startHost(current().db);
    w = await agentWorld(f, 'quotes');
  });
  after(() => f.host.stop());

  it("the agent makes a draft quote for a client they manage, with lines of the host's products, priced now", async () => {
    const page = (await w.annOwn.agent.get(AREA)).text;
    expect(page).to.contain('href="/index.php?m=agenttools&amp;action=quotes"');
    const form = (await w.annOwn.agent.get(PAGE)).text;
    expect(form).to.match(/data-testid="quote-form"[\s\S]*Visitor Person[\s\S]*Cloud Server M/);
    const { res, id } = await create({ client_id: w.clientId, product_0: f.productId, quantity_0: 2, product_1: f.setupProductId, quantity_1: 1, product_2: '' });
    expect(res.status).to.equal(303);
    quoteId = id!;
    const q = await quote(quoteId);
    expect([q.client_id, q.email, q.status, q.currency, Number(q.total_minor), q.ref]).to.deep.equal([
      w.clientId,
      'wanjiru@example.com',
      'Draft',
      'USD',
      24_690 + 40_000 + 10_000,
      `agenttools:agent:${w.ann}`,
    ]);
    const lines = (await f.host.db('host_quote_lines').where({ quote_id: quoteId }).orderBy('id')).map((l) => `${l.description} ×${l.quantity} ${l.amount_minor}`);
    expect(lines).to.deep.equal(['Cloud Server M ×2 24690', 'Dedicated Server ×1 40000', 'Dedicated Server setup fee ×1 10000']);
    expect((await w.sessions.client.agent.get(`/quotes/${quoteId}`)).status).to.equal(404);
  });

  it('a client the agent does not manage, a bad e-mail, a bad quantity or no product is refused beside the field; nothing is made', async () => {
    const before = await count('host_quotes');
    const cases: [Record<string, string | number>, string][] = [
      [{ client_id: w.otherId, product_0: f.productId }, 'Choose one of the clients you manage'],
      [{ client_id: '', email: 'not-an-address', product_0: f.productId }, 'Enter the prospect&#39;s e-mail address'],
      [{ client_id: w.clientId, product_0: f.productId, quantity_0: 0 }, 'Enter a whole number from 1 to 100'],
      [{ client_id: w.clientId, product_0: 99_999 }, 'Choose a product from the list'],
      [{ client_id: w.clientId }, 'Choose at least one product'],
      [{ client_id: '', email: 'ANN@example.com', product_0: f.productId }, 'You cannot send a quote to yourself'],
    ];
    for (const [form, message] of cases) {
      const { res } = await create(form);
      expect([res.status, res.text.includes(message)], message).to.deep.equal([422, true]);
    }
    const ben = await w.sessions['another agent'].post(PAGE, CREATE, { client_id: w.clientId, product_0: f.productId });
    expect([ben.status, ben.text.includes('Choose one of the clients you manage')]).to.deep.equal([422, true]);
    expect(await count('host_quotes')).to.equal(before);
  });

  it('sending e-mails the client the quote with its link, and the client sees it in the client area', async () => {
    expect((await send(quoteId)).status).to.equal(303);
    expect((await quote(quoteId)).status).to.equal('Sent');
    const mail = await f.host.db('host_emails').where({ to: 'wanjiru@example.com' }).where('subject', 'like', 'Quote #%').first();
    expect(mail.subject).to.equal(`Quote #${quoteId} from Ann Agent`);
    expect(mail.text).to.contain('Cloud Server M × 2: USD\u00a0246.90').and.to.contain('Total: USD\u00a0746.90').and.to.contain(`http://billing.test/quotes/${quoteId}`);
    expect((await w.sessions.client.agent.get('/quotes')).text).to.match(/data-testid="quotes"[\s\S]*746\.90[\s\S]*Sent/);
    expect((await w.sessions.client.agent.get(`/quotes/${quoteId}`)).text).to.contain('Accept and order');
  });

  it('the client accepts: the order and the invoice are made from the quote; paying it earns the agent 10 % of each line, to the cent', async () => {
    const res = await w.call('client', 'POST', `/quotes/${quoteId}/accept`);
    expect(res.status).to.equal(303);
    const q = await quote(quoteId);
    expect(q.status).to.equal('Accepted');
    expect(res.headers.location).to.equal(`/invoices/${q.invoice_id}`);
    const invoice = await f.host.db('host_invoices').where({ id: q.invoice_id }).first();
    expect([invoice.client_id, Number(invoice.total_minor), invoice.status]).to.deep.equal([w.clientId, 74_690, 'Unpaid']);
    expect(await f.host.db('host_orders').where({ invoice_id: q.invoice_id })).to.have.length(2);
    expect((await w.call('client', 'POST', `/quotes/${quoteId}/accept`)).status).to.equal(409);
    expect(await f.host.db('host_invoices').where({ client_id: w.clientId })).to.have.length(1);
    expect((await w.call('client', 'POST', `/invoices/${q.invoice_id}/pay`)).status).to.equal(303);
    // 10 % of $246.90, $400.00 and $100.00.
    expect(await commissions(w.ann)).to.deep.equal([`${w.clientId}: 2469 USD`, `${w.clientId}: 4000 USD`, `${w.clientId}: 1000 USD`]);
  });

  it("a prospect by e-mail: the link shows the quote and asks them to sign up; the new client has the quote, is the agent's, accepts and pays", async () => {
    const { id } = await create({ client_id: '', email: 'New.Person@example.com', product_0: f.productId, quantity_0: 1 });
    const q0 = await quote(id!);
    expect([q0.client_id, q0.email]).to.deep.equal([null, 'new.person@example.com']);
    expect((await send(id!)).status).to.equal(303);
    const mail = await f.host.db('host_emails').where({ to: 'new.person@example.com' }).first();
    const link = /http:\/\/billing\.test(\/quote\/[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    const visitor = await session(f.host);
    const page = await visitor.agent.get(link);
    expect(page.status).to.equal(200);
    const signUp = /data-testid="quote-sign-up"/.test(page.text) ? /href="(\/register\?[^"]+)"/.exec(page.text)![1]!.replace(/&amp;/g, '&') : '';
    expect(signUp).to.contain('quote=');
    const form = await visitor.agent.get(signUp);
    const res = await visitor.agent
      .post('/register')
      .type('form')
      .send({
        firstname: 'New',
        lastname: 'Person',
        email: 'new.person@example.com',
        password: PASSWORD,
        currency: 'USD',
        quote: /name="quote" value="([^"]+)"/.exec(form.text)![1],
        return: /name="return" value="([^"]+)"/.exec(form.text)![1],
        _csrf: csrfFrom(form.text),
      });
    expect([res.status, res.headers.location]).to.deep.equal([303, `/quotes/${id}`]);
    const newId = Number((await f.host.db('host_clients').where({ email: 'new.person@example.com' }).first()).id);
    expect((await quote(id!)).client_id).to.equal(newId);
    const referral = await f.host.agentTools.services.assignments.forClient(newId);
    expect([referral?.agentId, referral?.rule]).to.deep.equal([w.ann, 'quote']);
    expect((await request(f.host.app).get(link)).status).to.equal(404);
    const accept = await visitor.post(`/quotes/${id}`, `/quotes/${id}/accept`, {});
    expect(accept.status).to.equal(303);
    const invoiceId = (await quote(id!)).invoice_id;
    expect((await visitor.post(`/invoices/${invoiceId}`, `/invoices/${invoiceId}/pay`, {})).status).to.equal(303);
    // 10 % of $123.45 is 1,234.5 cents: rounded half away from zero.
    expect((await commissions(w.ann)).at(-1)).to.equal(`${newId}: 1235 USD`);
  });

  it('the client may decline instead; a declined quote cannot be accepted', async () => {
    const id = await sentQuote();
    expect((await w.call('client', 'POST', `/quotes/${id}/decline`)).status).to.equal(303);
    expect((await quote(id)).status).to.equal('Declined');
    expect((await w.call('client', 'POST', `/quotes/${id}/accept`)).status).to.equal(409);
    expect((await quote(id)).invoice_id).to.equal(null);
  });

  it("authorization: every quote route × anonymous, the client, the client's agent (with and without `quotes`), another agent, the admin", async () => {
    const shown = await sentQuote();
    const anyone = { anonymous: 302, admin: 302 };
    const answer = { ...anyone, client: 303, 'agent as client': 303, 'agent as client without permission': 403, 'another agent': 404 };
    const table: [string, 'GET' | 'POST', (id: number) => string, Record<Actor, number>, boolean][] = [
      ['client list', 'GET', () => '/quotes', { ...anyone, client: 200, 'agent as client': 200, 'agent as client without permission': 403, 'another agent': 200 }, false],
      ['client view', 'GET', (id) => `/quotes/${id}`, { ...anyone, client: 200, 'agent as client': 200, 'agent as client without permission': 403, 'another agent': 404 }, false],
      ['accept', 'POST', (id) => `/quotes/${id}/accept`, answer, true],
      ['decline', 'POST', (id) => `/quotes/${id}/decline`, answer, true],
      ['agent page', 'GET', () => PAGE, { ...anyone, client: 422, 'agent as client': 403, 'agent as client without permission': 403, 'another agent': 200 }, false],
      ['create', 'POST', () => CREATE, { ...anyone, client: 422, 'agent as client': 403, 'agent as client without permission': 403, 'another agent': 422 }, false],
      ['send', 'POST', () => SEND, { ...anyone, client: 422, 'agent as client': 403, 'agent as client without permission': 403, 'another agent': 404 }, false],
    ];
    const got: string[] = [];
    const want: string[] = [];
    const quotesBefore = await count('host_quotes');
    let made = 0;
    for (const [name, method, path, expected, fresh] of table) {
      for (const actor of ACTORS) {
        const id = fresh ? await sentQuote() : shown;
        made += fresh ? 1 : 0;
        const res = await w.call(actor, method, path(id), { client_id: w.clientId, product_0: f.productId, quote_id: shown });
        got.push(`${name} as ${actor}: ${res.status}`);
        want.push(`${name} as ${actor}: ${expected[actor]}`);
      }
    }
    expect(got).to.deep.equal(want);
    expect(await count('host_quotes')).to.equal(quotesBefore + made);
    expect((await quote(shown)).status).to.equal('Sent');
  });

  it('a POST without the form token is refused and changes nothing', async () => {
    const id = await sentQuote();
    const quotes = await count('host_quotes');
    expect((await w.sessions.client.agent.post(`/quotes/${id}/accept`).type('form').send({})).status).to.equal(403);
    expect((await w.sessions.client.agent.post(`/quotes/${id}/decline`).type('form').send({ _csrf: 'forged' })).status).to.equal(403);
    expect((await w.annOwn.agent.post(CREATE).type('form').send({ client_id: w.clientId, product_0: f.productId })).status).to.equal(403);
    expect((await w.annOwn.agent.post(SEND).type('form').send({ quote_id: id })).status).to.equal(403);
    expect((await quote(id)).status).to.equal('Sent');
    expect(await count('host_quotes')).to.equal(quotes);
  });

  it("another client who puts this quote's id in the URL gets 404 and nothing changes; another agent cannot send it", async () => {
    const id = await sentQuote();
    const invoices = await count('host_invoices');
    expect((await w.other.agent.get(`/quotes/${id}`)).status).to.equal(404);
    const token = csrfFrom((await w.other.agent.get('/')).text);
    expect((await w.other.agent.post(`/quotes/${id}/accept`).type('form').send({ _csrf: token })).status).to.equal(404);
    expect((await w.other.agent.post(`/quotes/${id}/decline`).type('form').send({ _csrf: token })).status).to.equal(404);
    expect((await w.other.agent.get(`/quotes/${id}/accept`)).status).to.equal(404);
    const emails = await count('host_emails');
    expect((await w.sessions['another agent'].post(PAGE, SEND, { quote_id: id })).status).to.equal(404);
    expect(await count('host_emails')).to.equal(emails);
    expect((await quote(id)).status).to.equal('Sent');
    expect(await count('host_invoices')).to.equal(invoices);
  });
});
