import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { agentAccount, session, startHost, type Fixture, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { csvCell, sendCsv } from '../module/http/csv';
import { resolvePeriod } from '../module/reports/period';

const AREA = '/index.php?m=agenttools';
const page = (action: string, query = '') => `${AREA}&action=${action}${query}`;

/** The text of the element with this data-testid, tags stripped. */
function testId(html: string, id: string): string {
  const m = new RegExp(`<(\\w+)[^>]*data-testid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return m
    ? (m[2] ?? '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
    : '';
}

/** RFC 4180 records of a CSV text (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

describe('CSV: RFC 4180, streamed, safe to open in a spreadsheet', () => {
  it('neutralises cells that would start a formula, and leaves plain numbers alone', () => {
    expect(['=SUM(A1:A9)', '+1+2', '-2+3', '@cmd', '\tx', '\rx', 'plain', '-12.50', '+3', '42', '', null, undefined, 7n].map(csvCell)).to.deep.equal([
      "'=SUM(A1:A9)",
      "'+1+2",
      "'-2+3",
      "'@cmd",
      "'\tx",
      "'\rx",
      'plain',
      '-12.50',
      '+3',
      '42',
      '',
      '',
      '',
      '7',
    ]);
  });

  async function download(bom: boolean, rows: (string | number)[][]) {
    const app = express();
    app.get('/x.csv', (_req, res, next) => {
      sendCsv(res, 'Отчёт 2026.csv', ['Name', 'Amount'], rows, { bom }).catch(next);
    });
    return request(app)
      .get('/x.csv')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
  }

  it('quotes commas, quotes and line breaks, ends every record with CRLF, and names the file for any browser', async () => {
    const res = await download(false, [
      ['a,b', '1.00'],
      ['say "hi"', '2'],
      ['two\nlines', '-3.50'],
      ['=HYPERLINK("http://x")', '0'],
    ]);
    const text = (res.body as Buffer).toString('utf8');
    expect(text).to.equal('Name,Amount\r\n"a,b",1.00\r\n"say ""hi""",2\r\n"two\nlines",-3.50\r\n"\'=HYPERLINK(""http://x"")",0\r\n');
    expect(parseCsv(text)[3]).to.deep.equal(['two\nlines', '-3.50']);
    expect(res.headers['content-type']).to.match(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).to.equal(`attachment; filename="_____ 2026.csv"; filename*=UTF-8''${encodeURIComponent('Отчёт 2026.csv')}`);
  });

  it('starts with a UTF-8 byte order mark only when asked (for Excel)', async () => {
    const withBom = (await download(true, [['Zoë', 1]])).body as Buffer;
    const without = (await download(false, [['Zoë', 1]])).body as Buffer;
    expect([...withBom.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    expect(without.subarray(0, 4).toString()).to.equal('Name');
    expect(withBom.subarray(3).toString('utf8')).to.equal('Name,Amount\r\nZoë,1\r\n');
  });

  it('a period is whole days in the zone, with the one before it of the same length', () => {
    const now = Date.parse('2026-01-05T22:30:00Z'); // 6 January in Nairobi
    expect(resolvePeriod({ period: '7d' }, now, 'Africa/Nairobi')).to.include({ from: '2025-12-31', to: '2026-01-06', previousFrom: '2025-12-24', previousTo: '2025-12-30', unit: 'day' });
    expect(resolvePeriod({ period: '12m' }, now, 'UTC')).to.include({ from: '2025-02-01', to: '2026-01-05', previousFrom: '2024-02-01', previousTo: '2025-01-31', unit: 'month' });
    expect(resolvePeriod({ period: 'custom', from: '2026-01-10', to: '2026-01-01' }, now, 'UTC')).to.include({ field: 'to', key: 'period.error.range' });
    expect(resolvePeriod({ period: 'custom', from: '2026-02-30', to: '2026-03-01' }, now, 'UTC')).to.include({ field: 'from', key: 'period.error.date' });
  });
});

/*
 * Ann's roll-ups (the default program: USD, UTC), written as the fold would have:
 *   2026-01-05  newsletter  KE  10 clicks, 2 sign-ups, 1 qualified, USD 15.00 earned
 *   2026-01-03  (assigned)  —    1 sign-up, 1 qualified, 1 paying, USD 25.00 earned, USD 5.00 reversed
 *   2025-12-20  newsletter  RU   4 clicks, USD 10.00 earned
 *   2025-12-01  newsletter  KE   6 clicks (the 30 days before the last 30)
 * Ben has 99 clicks on 2026-01-05, which Ann never sees. Today is 2026-01-05.
 */
onEachDatabase("the agent's Overview and Reports, from the roll-ups", ({ current }) => {
  let f: Fixture;
  let ann: Session;
  let ben: Session;
  let annId: number;

  before(async () => {
    f = await startHost(current().db, '2026-01-05T10:00:00Z');
    annId = (await agentAccount(f.host, 'ann-reports@example.com')).agentId;
    const benId = (await agentAccount(f.host, 'ben-reports@example.com')).agentId;
    const program = (await f.host.agentTools.services.programs.bySlug('default'))!;
    const row = (agent: number, day: string, source: string, country: string, figures: Record<string, number>) => ({
      agent_id: agent,
      program_id: program.id,
      source,
      country,
      day,
      currency: 'USD',
      ...{ clicks: 0, signups: 0, qualified: 0, paying: 0, earned_minor: 0, reversed_minor: 0, ...figures },
    });
    await current()
      .db(T.dailyRollups)
      .insert([
        row(annId, '2026-01-05', 'newsletter', 'KE', { clicks: 10, signups: 2, qualified: 1, earned_minor: 1500 }),
        row(annId, '2026-01-03', '', '', { signups: 1, qualified: 1, paying: 1, earned_minor: 2500, reversed_minor: 500 }),
        row(annId, '2025-12-20', 'newsletter', 'RU', { clicks: 4, earned_minor: 1000 }),
        row(annId, '2025-12-01', 'newsletter', 'KE', { clicks: 6 }),
        row(benId, '2026-01-05', 'Default', '', { clicks: 99 }),
      ]);
    ann = await session(f.host, { email: 'ann-reports@example.com' });
    ben = await session(f.host, { email: 'ben-reports@example.com' });
  });
  after(() => f.host.stop());

  it('the Overview compares the last 7 days with the 7 before, and shows the funnel with its rates', async () => {
    const res = await ann.agent.get(`${AREA}&period=7d`);
    expect(res.status).to.equal(200);
    expect(testId(res.text, 'period-range')).to.equal('2025-12-30 to 2026-01-05');
    expect(testId(res.text, 'figure-clicks')).to.equal('Clicks 10 0 n/a');
    expect(testId(res.text, 'figure-earned')).to.equal('Earned USD 40.00 USD 0.00 n/a');
    expect(testId(res.text, 'funnel-signups')).to.equal('Sign-ups 3 30%');
    expect(testId(res.text, 'funnel-qualified')).to.equal('Qualified 2 66.7%');
    expect(testId(res.text, 'funnel-paying')).to.equal('Paying 1 50%');
    // The chart's figures, for its script: one point a day, amounts as decimal text.
    const json = JSON.parse(/<script type="application\/json" id="overview-data">([^<]*)<\/script>/.exec(res.text)![1]!) as { labels: string[]; earned: string[]; clicks: number[] };
    expect(json.labels).to.deep.equal(['2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05']);
    expect(json.earned).to.deep.equal(['0.00', '0.00', '0.00', '0.00', '25.00', '0.00', '15.00']);
    expect(json.clicks).to.deep.equal([0, 0, 0, 0, 0, 0, 10]);
    // Navigation: the sidebar's Overview is the current page; the module serves Chart.js itself.
    expect(res.text).to.match(/<a href="\/index\.php\?m=agenttools" aria-current="page"[^>]*>Overview<\/a>/);
    const chart = /<script src="([^"]+chart-[^"]+\.js)"/.exec(res.text)![1]!;
    const js = await request(f.host.app).get(chart);
    expect(js.status).to.equal(200);
    expect(js.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
  });

  it('over 30 days, clicks went from 6 to 14: +133.3 %; a custom range that ends before it starts is refused beside the field', async () => {
    const res = await ann.agent.get(AREA);
    expect(testId(res.text, 'figure-clicks')).to.equal('Clicks 14 6 +133.3%');
    const bad = await ann.agent.get(`${AREA}&period=custom&from=2026-01-05&to=2026-01-01`);
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('id="form-errors"');
    expect(bad.text).to.contain('id="err-to"');
  });

  it('the report by country over 30 days, busiest first, with its totals; only Ann’s figures', async () => {
    const res = await ann.agent.get(page('reports', '&period=30d&group=country'));
    expect(res.status).to.equal(200);
    const rows = [
      ...res.text.matchAll(
        /<tr>\s*<td data-label="Country">([^<]*)<\/td>\s*<td[^>]*>(\d+)<\/td>\s*<td[^>]*>(\d+)<\/td>\s*<td[^>]*>(\d+)<\/td>\s*<td[^>]*>(\d+)<\/td>\s*<td[^>]*>([^<]*)<\/td>\s*<td[^>]*>([^<]*)<\/td>\s*<td[^>]*>([^<]*)<\/td>/g,
      ),
    ].map((m) => m.slice(1).map((cell) => cell.replace(/\u00a0/g, ' ')));
    expect(rows).to.deep.equal([
      ['KE', '10', '2', '1', '0', 'USD 15.00', 'USD 0.00', 'USD 15.00'],
      ['RU', '4', '0', '0', '0', 'USD 10.00', 'USD 0.00', 'USD 10.00'],
      ['Unknown', '0', '1', '1', '1', 'USD 25.00', 'USD 5.00', 'USD 20.00'],
    ]);
    expect(testId(res.text, 'report-total')).to.equal('Total 14 3 2 1 USD 50.00 USD 5.00 USD 45.00');
    expect(res.text).to.match(/<a href="\/index\.php\?m=agenttools&amp;action=reports" aria-current="page"/);
    expect(res.text).to.contain('aria-label="Breadcrumb"');
    const kenya = await ann.agent.get(page('reports', '&period=30d&group=source&country=KE'));
    expect(testId(kenya.text, 'report-total')).to.equal('Total 10 2 1 0 USD 15.00 USD 0.00 USD 15.00');
  });

  it('the CSV of a report has the page’s figures, a BOM when asked, and its totals equal the page’s', async () => {
    const res = await ann.agent
      .get(page('reportCsv', '&period=30d&group=source&bom=1'))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).to.equal(200);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(body.subarray(3).toString('utf8'));
    expect(rows[0]).to.deep.equal(['Source', 'Currency', 'Clicks', 'Sign-ups', 'Qualified', 'Paying', 'Earned', 'Reversed', 'Net']);
    expect(rows.slice(1)).to.deep.equal([
      ['newsletter', 'USD', '14', '2', '1', '0', '25.00', '0.00', '25.00'],
      ['No link (assigned)', 'USD', '0', '1', '1', '1', '25.00', '5.00', '20.00'],
    ]);
    const cents = (col: number) => rows.slice(1).reduce((s, r) => s + Math.round(Number(r[col]) * 100), 0);
    expect([cents(6), cents(7), cents(8)]).to.deep.equal([5000, 500, 4500]);
  });

  it('a report saved under a name opens again with its choices; another agent can neither open nor delete it', async () => {
    const saved = await ann.post(page('reports', '&period=30d&group=country'), page('saveReport'), { name: 'By country', period: '30d', group: 'country' });
    expect(saved.status).to.equal(303);
    const location = saved.headers.location as string;
    expect(location).to.match(/action=report&id=\d+&done=saved$/);
    const id = /id=(\d+)/.exec(location)![1]!;
    const opened = await ann.agent.get(location);
    expect(opened.status).to.equal(200);
    expect(opened.text).to.contain('Report: By country');
    expect(testId(opened.text, 'report-total')).to.equal('Total 14 3 2 1 USD 50.00 USD 5.00 USD 45.00');
    expect(testId(opened.text, 'saved-reports')).to.contain('By country');
    expect((await ben.agent.get(page('report', `&id=${id}`))).status).to.equal(404);
    expect((await ben.post(page('reports'), page('deleteReport'), { id })).status).to.equal(404);
    const empty = await ann.post(page('reports'), page('saveReport'), { name: '   ', period: '30d', group: 'day' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('id="err-name"');
    expect((await ann.post(page('reports'), page('deleteReport'), { id })).status).to.equal(303);
    expect((await ann.agent.get(page('report', `&id=${id}`))).status).to.equal(404);
  });
});
