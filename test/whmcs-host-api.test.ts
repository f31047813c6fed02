import { expect } from 'chai';
import { WhmcsApi, WhmcsApiError } from '../integrations/whmcs/host/whmcs-api';
import { WhmcsHostApi } from '../integrations/whmcs/host/whmcs-host-api';
import { BridgeHttp } from '../integrations/whmcs/host/bridge-http';
import { API_SECRET, IDENTIFIER, sampleWhmcs, startWhmcsFixture, type WhmcsFixture } from './support/whmcs-api-fixture';

/** The host contract over WHMCS's API, against a local server answering as WHMCS documents. */
describe('HostApi over the WHMCS API', () => {
  let whmcs: WhmcsFixture;
  let host: WhmcsHostApi;
  const make = (secret = API_SECRET, url?: string) =>
    new WhmcsHostApi({
      api: new WhmcsApi({ url: url ?? whmcs.url, identifier: IDENTIFIER, secret, timeoutMs: 2_000 }),
      siteUrl: 'https://billing.example.com/',
      http: new BridgeHttp('https://billing.example.com'),
    });

  beforeEach(async () => {
    whmcs = await startWhmcsFixture(sampleWhmcs());
    host = make();
  });
  afterEach(() => whmcs.close());

  it('reads a client from GetClientsDetails, and an unknown one as null', async () => {
    expect(await host.getClient(2)).to.deep.equal({
      id: 2,
      email: 'bob@example.com',
      firstname: 'Bob',
      lastname: 'Buyer',
      companyname: 'Bob Ltd',
      phonenumber: null,
      status: 'Active',
      currency: 'USD',
      created_at: 0,
      country: 'KE',
      language: 'swahili',
    });
    expect(await host.getClient(404)).to.equal(null);
    expect(whmcs.calls.map((c) => c.action)).to.deep.equal(['GetClientsDetails', 'GetClientsDetails']);
  });

  it('reads an invoice in minor units, each line told its product and group through the service it bills', async () => {
    const invoice = await host.getInvoice(1001);
    expect(invoice).to.deep.include({ id: 1001, client_id: 2, currency: 'USD', status: 'Paid', total_minor: 175_000, date_paid: Date.parse('2026-03-02T09:00:00Z'), paid_with: null });
    expect(invoice?.lines).to.deep.equal([
      { id: 11, description: 'Cloud Server M (03/02/2026 - 04/01/2026)', amount_minor: 100_000, type: 'Hosting', product_id: 5, category_id: 2, category: 'Cloud Servers' },
      { id: 12, description: 'Setup fee', amount_minor: 50_000, type: 'Setup', product_id: 5, category_id: 2, category: 'Cloud Servers' },
      { id: 13, description: 'Migration', amount_minor: 25_000, type: 'Item', product_id: null, category_id: null, category: null },
    ]);
    expect(await host.getInvoice(999)).to.equal(null);
  });

  it("dates are read in WHMCS's zone", async () => {
    const moscow = new WhmcsHostApi({
      api: new WhmcsApi({ url: whmcs.url, identifier: IDENTIFIER, secret: API_SECRET }),
      siteUrl: 'https://b.example',
      http: new BridgeHttp('https://b.example'),
      timeZone: 'Europe/Moscow',
    });
    // 09:00 in Moscow (UTC+3) is 06:00 UTC.
    expect((await moscow.getInvoice(1001))?.date_paid).to.equal(Date.parse('2026-03-02T06:00:00Z'));
  });

  it('reads products, an order with its product and domain, a client account and exchange rates', async () => {
    expect(await host.getProduct(5)).to.deep.equal({ id: 5, name: 'Cloud Server M', category_id: 2, category: 'Group 2', price_minor: 100_000, currency: 'USD' });
    expect(await host.listProducts()).to.have.length(1);
    expect(await host.getOrder(9)).to.deep.equal({ id: 9, client_id: 2, invoice_id: 1001, product_id: 5, domain: 'bob.example', created_at: Date.parse('2026-03-02T09:00:00Z') });
    expect(await host.getOrder(10)).to.equal(null);
    const account = await host.clientAccount(2, 5);
    expect(account.services).to.deep.equal([{ id: 77, product: 'Cloud Server M', status: 'Active' }]);
    expect(account.invoices).to.deep.equal([{ id: 1001, currency: 'USD', total_minor: 175_000, status: 'Paid', created_at: Date.parse('2026-03-02T00:00:00Z') }]);
    // 1 EUR = 1 / 0.92 USD = 1.0869565217… (ten places, cut); 1 USD = 0.92 EUR.
    expect(await host.exchangeRate('EUR', 'USD')).to.equal('1.0869565217');
    expect(await host.exchangeRate('USD', 'EUR')).to.equal('0.92');
    expect(await host.exchangeRate('USD', 'KES')).to.equal(null);
    expect(host.siteUrl()).to.equal('https://billing.example.com');
  });

  it('finds paid and refunded invoices for the reconciliation, with their refunds', async () => {
    whmcs.data.invoices[1001]!.transactions.push({ id: 502, transid: 'RF-1', date: '2026-03-03 10:00:00', amountin: '0.00', amountout: '175.00' });
    const changed = await host.invoicesChangedSince(Date.parse('2026-03-01T00:00:00Z'), 0, 10);
    expect(changed).to.deep.equal([
      {
        id: 1001,
        client_id: 2,
        status: 'Paid',
        total_minor: 175_000,
        date_paid: Date.parse('2026-03-02T09:00:00Z'),
        refunds: [{ refund_id: 'RF-1', amount_minor: 17_500, line_ids: null, refunded_at: Date.parse('2026-03-03T10:00:00Z') }],
      },
    ]);
    expect(await host.invoicesChangedSince(Date.parse('2026-03-04T00:00:00Z'), 0, 10)).to.deep.equal([]);
    expect(await host.invoicesChangedSince(Date.parse('2026-03-01T00:00:00Z'), 1001, 10)).to.deep.equal([]);
  });

  it('sends an e-mail as a custom message to the client with that address', async () => {
    await host.sendEmail({ to: 'alice@example.com', subject: 'A commission', text: 'You earned USD 100.00' });
    expect(whmcs.calls.at(-1)).to.deep.equal({ action: 'SendEmail', params: { id: '1', customtype: 'general', customsubject: 'A commission', custommessage: 'You earned USD 100.00' } });
    const refused = await host.sendEmail({ to: 'nobody@example.com', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect((refused as Error).message).to.equal('WHMCS SendEmail: no client has the address nobody@example.com');
  });

  it("throws WHMCS's own message for an error answer: a wrong credential, an unknown action, a page that is not JSON, a server that is away", async () => {
    const refused = await make('wrong-secret')
      .getClient(2)
      .catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(WhmcsApiError);
    expect((refused as Error).message).to.equal('WHMCS GetClientsDetails: Authentication Failed');
    const unknown = await new WhmcsApi({ url: whmcs.url, identifier: IDENTIFIER, secret: API_SECRET }).call('NoSuchAction').catch((e: unknown) => e);
    expect((unknown as Error).message).to.equal('WHMCS NoSuchAction: Command Not Found');
    whmcs.failNext = { status: 503, body: '<html>Service Unavailable</html>' };
    const html = await host.getInvoice(1001).catch((e: unknown) => e);
    expect((html as Error).message).to.equal('WHMCS GetInvoice: HTTP 503, not JSON: <html>Service Unavailable</html>');
    const away = await make(API_SECRET, 'http://127.0.0.1:9')
      .getProduct(5)
      .catch((e: unknown) => e);
    expect(away).to.be.instanceOf(WhmcsApiError);
    expect((away as Error).message).to.match(/^WHMCS GetProducts: not reachable/);
  });

  it('has no payment fingerprints and no quotes to offer', async () => {
    expect(await host.paymentFingerprints()).to.deep.equal([]);
    expect(await host.listQuotes()).to.deep.equal([]);
    const refused = await host.createQuote().catch((e: unknown) => e);
    expect((refused as Error).message).to.equal('Quotes are not available through the WHMCS bridge');
  });
});
