import http from 'node:http';

/**
 * A local HTTP server that answers as WHMCS's API reference documents its actions
 * (POST /includes/api.php, form-encoded, responsetype=json): numbers as strings in places,
 * lists nested one level, errors as result "error" with a message. Its data is the test's to set.
 */
export interface WhmcsFixtureData {
  clients: Record<number, { firstname: string; lastname: string; email: string; currency_code: string; status?: string; companyname?: string; countrycode?: string; language?: string }>;
  /** Services (tblhosting): the product each bills. */
  services: Record<number, { clientid: number; pid: number; name: string; groupname: string; status: string; domain: string }>;
  products: Record<number, { gid: number; name: string; paytype: string; pricing: Record<string, Record<string, string>> }>;
  invoices: Record<
    number,
    {
      userid: number;
      status: string;
      total: string;
      date: string;
      datepaid: string;
      items: { id: number; type: string; relid: number; description: string; amount: string }[];
      transactions: { id: number; transid: string; date: string; amountin: string; amountout: string }[];
    }
  >;
  orders: Record<number, { userid: number; invoiceid: number; date: string; lineitems: { type: string; relid: number; domain: string }[] }>;
  currencies: { code: string; rate: string }[];
  /** Credit entries (tblcredit), which AddCredit appends to; none when left out. */
  credits?: { id: number; clientid: number; date: string; description: string; amount: string }[];
}

export interface WhmcsFixture {
  url: string;
  data: WhmcsFixtureData;
  /** Every call, in order: the action and its parameters (without the credential). */
  calls: { action: string; params: Record<string, string> }[];
  /** The next answer, whatever is asked: a raw body and status (an outage, a proxy's HTML page). */
  failNext: { status: number; body: string } | null;
  close(): Promise<void>;
}

export const IDENTIFIER = 'at-identifier';
export const API_SECRET = 'at-api-secret';

type Answer = Record<string, unknown>;
const error = (message: string): Answer => ({ result: 'error', message });

function answer(data: WhmcsFixtureData, action: string, p: Record<string, string>): Answer {
  const n = (k: string) => Number(p[k] ?? 0);
  switch (action) {
    case 'GetClientsDetails': {
      const c = data.clients[n('clientid')];
      if (!c) return error('Client Not Found');
      const client = { id: n('clientid'), userid: n('clientid'), companyname: '', phonenumber: '', status: 'Active', currency: 1, ...c };
      return { result: 'success', ...client, client };
    }
    case 'GetClients': {
      const ids = Object.keys(data.clients).map(Number);
      // WHMCS matches `search` anywhere in the name, company or e-mail, ignoring case.
      const matches = (id: number) => {
        const c = data.clients[id];
        const text = c ? `${c.firstname} ${c.lastname} ${c.companyname ?? ''} ${c.email}`.toLowerCase() : '';
        return text.includes(p.search!.toLowerCase());
      };
      const found = ids.filter((id) => !p.search || matches(id)).sort((a, b) => b - a);
      const list = found.slice(0, n('limitnum') || 25).map((id) => ({ id, ...data.clients[id] }));
      return { result: 'success', totalresults: found.length, numreturned: list.length, clients: { client: list } };
    }
    case 'GetInvoice': {
      const inv = data.invoices[n('invoiceid')];
      if (!inv) return { result: 'error', message: 'Invoice ID Not Found' };
      const transactions = inv.transactions.length
        ? { transaction: inv.transactions.map((t) => ({ ...t, userid: String(inv.userid), invoiceid: String(n('invoiceid')), gateway: 'banktransfer' })) }
        : '';
      return {
        result: 'success',
        invoiceid: n('invoiceid'),
        invoicenum: '',
        ...inv,
        userid: String(inv.userid),
        subtotal: inv.total,
        items: { item: inv.items.map((i) => ({ ...i, relid: String(i.relid), taxed: 0 })) },
        transactions,
      };
    }
    case 'GetInvoices': {
      const rows = Object.entries(data.invoices)
        .map(([id, i]) => ({
          id: Number(id),
          userid: String(i.userid),
          date: i.date,
          datepaid: i.datepaid,
          total: i.total,
          status: i.status,
          currencycode: data.clients[i.userid]?.currency_code ?? 'USD',
        }))
        .filter((i) => (!p.status || i.status === p.status) && (!p.userid || Number(i.userid) === n('userid')))
        .sort((a, b) => (p.order === 'desc' ? b.id - a.id : a.id - b.id));
      const page = rows.slice(n('limitstart'), n('limitstart') + (n('limitnum') || 25));
      return { result: 'success', totalresults: rows.length, startnumber: n('limitstart'), numreturned: page.length, invoices: page.length ? { invoice: page } : '' };
    }
    case 'GetClientsProducts': {
      const rows = Object.entries(data.services)
        .map(([id, s]) => ({ id: Number(id), ...s, pid: String(s.pid) }))
        .filter((s) => (!p.serviceid || s.id === n('serviceid')) && (!p.clientid || s.clientid === n('clientid')));
      return { result: 'success', clientid: p.clientid ?? '', totalresults: rows.length, products: rows.length ? { product: rows } : '' };
    }
    case 'GetProducts': {
      const rows = Object.entries(data.products)
        .map(([pid, prod]) => ({ pid: String(pid), ...prod, gid: String(prod.gid), type: 'hostingaccount', module: '' }))
        .filter((prod) => !p.pid || Number(prod.pid) === n('pid'));
      return { result: 'success', totalresults: rows.length, products: { product: rows } };
    }
    case 'GetOrders': {
      const o = data.orders[n('id')];
      const rows = o ? [{ id: n('id'), ...o, lineitems: { lineitem: o.lineitems.map((l) => ({ ...l, producttype: 'Hosting Account' })) } }] : [];
      return { result: 'success', totalresults: rows.length, orders: rows.length ? { order: rows } : '' };
    }
    case 'GetCurrencies':
      return { result: 'success', totalresults: data.currencies.length, currencies: { currency: data.currencies.map((c, i) => ({ id: i + 1, prefix: '', suffix: '', format: 1, ...c })) } };
    case 'GetCredits': {
      if (!data.clients[n('clientid')]) return error('Client ID Not Found');
      const rows = (data.credits ?? []).filter((c) => c.clientid === n('clientid')).map((c) => ({ ...c, id: String(c.id), relid: '0' }));
      return { result: 'success', totalresults: rows.length, clientid: p.clientid, credits: rows.length ? { credit: rows } : '' };
    }
    case 'AddCredit': {
      if (!data.clients[n('clientid')]) return error('Client ID Not Found');
      if (!p.description) return error('Description is Required');
      if (!/^\d+(\.\d+)?$/.test(p.amount ?? '')) return error('Amount is Required');
      const credits = (data.credits ??= []);
      credits.push({ id: credits.length + 1, clientid: n('clientid'), date: '2026-03-05', description: p.description, amount: Number(p.amount).toFixed(2) });
      const balance = credits.filter((c) => c.clientid === n('clientid')).reduce((s, c) => s + Number(c.amount), 0);
      return { result: 'success', newbalance: balance.toFixed(2) };
    }
    case 'SendEmail':
      return data.clients[n('id')] ? { result: 'success' } : error('Client ID Not Found');
    default:
      return error(`Command Not Found`);
  }
}

export async function startWhmcsFixture(data: WhmcsFixtureData): Promise<WhmcsFixture> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const failing = fixture.failNext;
      if (failing) {
        fixture.failNext = null;
        res.writeHead(failing.status, { 'content-type': 'text/html' }).end(failing.body);
        return;
      }
      if (req.method !== 'POST' || req.url !== '/includes/api.php') return void res.writeHead(404).end('Not Found');
      const { identifier, secret, action = '', responsetype, ...params } = Object.fromEntries(new URLSearchParams(body));
      const reply = (a: Answer) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(a));
      if (identifier !== IDENTIFIER || secret !== API_SECRET) return reply(error('Authentication Failed'));
      if (responsetype !== 'json') return reply(error('responsetype must be json in this fixture'));
      fixture.calls.push({ action, params });
      reply(answer(data, action, params));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the fixture server has no port');
  const fixture: WhmcsFixture = {
    url: `http://127.0.0.1:${address.port}`,
    data,
    calls: [],
    failNext: null,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return fixture;
}

/**
 * A WHMCS with an agent (client 1), their referral (client 2) and a newcomer (3), all in USD; a
 * Cloud Server M (pid 5, group 2 "Cloud Servers") billed as service 77 to client 2; invoice 1001
 * of client 2, paid 2026-03-02 09:00, for 1,000.00 hosting + 500.00 setup + 250.00 other; order 9
 * that billed it; and EUR at 0.92 against USD.
 */
export function sampleWhmcs(paidAt = '2026-03-02 09:00:00'): WhmcsFixtureData {
  return {
    clients: {
      1: { firstname: 'Alice', lastname: 'Agent', email: 'alice@example.com', currency_code: 'USD' },
      2: { firstname: 'Bob', lastname: 'Buyer', email: 'bob@example.com', currency_code: 'USD', companyname: 'Bob Ltd', countrycode: 'ke', language: 'Swahili' },
      3: { firstname: 'Carol', lastname: 'New', email: 'carol@example.com', currency_code: 'USD' },
    },
    services: { 77: { clientid: 2, pid: 5, name: 'Cloud Server M', groupname: 'Cloud Servers', status: 'Active', domain: 'bob.example' } },
    products: { 5: { gid: 2, name: 'Cloud Server M', paytype: 'recurring', pricing: { USD: { prefix: '$', msetupfee: '500.00', monthly: '1000.00', quarterly: '-1.00' } } } },
    invoices: {
      1001: {
        userid: 2,
        status: 'Paid',
        total: '1750.00',
        date: paidAt.slice(0, 10),
        datepaid: paidAt,
        items: [
          { id: 11, type: 'Hosting', relid: 77, description: 'Cloud Server M (03/02/2026 - 04/01/2026)', amount: '1000.00' },
          { id: 12, type: 'Setup', relid: 77, description: 'Setup fee', amount: '500.00' },
          { id: 13, type: 'Item', relid: 0, description: 'Migration', amount: '250.00' },
        ],
        transactions: [{ id: 501, transid: 'TX-1', date: paidAt, amountin: '1750.00', amountout: '0.00' }],
      },
    },
    orders: { 9: { userid: 2, invoiceid: 1001, date: paidAt, lineitems: [{ type: 'product', relid: 77, domain: 'bob.example' }] } },
    currencies: [
      { code: 'USD', rate: '1.00000' },
      { code: 'EUR', rate: '0.92000' },
    ],
  };
}
