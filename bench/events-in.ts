import express from 'express';
import type { Knex } from 'knex';
import { createAgentTools } from '../module/agenttools';
import { ManualClock } from '../module/core/clock';
import type { Logger } from '../module/core/logger';
import { T } from '../module/db/tables';
import { EVENTS_PATH } from '../module/events-in/events-router';
import { sign } from '../module/events-in/signature';
import { MemoryHost } from '../test/support/memory-host';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: (m, d) => console.error(m, d) };

export interface EventsInFigures {
  events: number;
  inProcessPerSecond: number;
  signedPerSecond: number;
  signedConcurrentPerSecond: number;
  concurrency: number;
  /** Events sent again (the same ids), one after another and two at once: how many did work again. */
  resent: number;
  duplicatesProcessed: number;
}

/**
 * InvoicePaid delivered two ways on one database and one module: the in-process hook (the
 * handler registerHooks gives the host), and the same events signed and POSTed to
 * /modules/addons/agenttools/events over loopback HTTP, one at a time and `concurrency` at once.
 * The bodies are signed before the clock starts, so the figures are the module's: the signature
 * check, the claim of the event id, the same handler, the answer. Then every signed event is sent
 * again, once alone and once twice at once: none may earn twice.
 */
export async function benchEventsIn(db: Knex, events: number, concurrency = 8): Promise<EventsInFigures> {
  const host = new MemoryHost();
  const clock = new ManualClock(Date.now());
  const tools = createAgentTools({ db, host, clock, logger: quiet, secret: 'bench' });
  await tools.activate();
  const s = tools.services;
  const program = await s.programs.bySlug('default');
  if (!program) throw new Error('no "default" program after activate(), which creates it');
  host.addClient(1);
  const agent = await s.agents.activateForClient(1, program.id);
  const { secret } = await s.eventSources.create('bench');
  const invoicePaid = tools.hooks.find(([name]) => name === 'InvoicePaid')?.[2];
  if (!invoicePaid) throw new Error('the module registers no InvoicePaid hook');

  let next = 1;
  const prepare = async (n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = next++;
      host.addClient(1000 + id);
      await s.assignments.assign(1000 + id, agent.id, 'bench', 'bench');
      host.addPaidInvoice(id, 1000 + id, [12_345], clock.now());
      ids.push(id);
    }
    return ids;
  };
  const signed = (invoiceId: number) => {
    const body = JSON.stringify({ type: 'InvoicePaid', data: { invoiceid: invoiceId } });
    const id = `bench-InvoicePaid-${invoiceId}`;
    const timestamp = String(Math.floor(clock.now() / 1000));
    return { invoiceId, body, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': sign(secret, id, timestamp, body) } };
  };

  const server = express().use(tools.events()).listen(0, '127.0.0.1');
  // fetch keeps its connections; a server closing one idle through the in-process run would reset the next request.
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the events server has no port');
  const url = `http://127.0.0.1:${address.port}${EVENTS_PATH}`;
  /** Sends each event; the number whose work was done (not answered as a duplicate). */
  const send = async (batch: ReturnType<typeof signed>[], parallel: number) => {
    let done = 0;
    let i = 0;
    const worker = async () => {
      while (i < batch.length) {
        const e = batch[i++];
        if (!e) break;
        const res = await fetch(url, { method: 'POST', headers: e.headers, body: e.body });
        const answer: unknown = await res.json();
        if (res.status === 200 && typeof answer === 'object' && answer !== null && 'duplicate' in answer && answer.duplicate === false) done++;
        else if (res.status !== 200 && res.status !== 409) throw new Error(`${res.status} for ${e.headers['webhook-id']}`);
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    return done;
  };
  const timed = async (work: () => Promise<unknown>, n: number) => {
    const t0 = process.hrtime.bigint();
    await work();
    return n / (Number(process.hrtime.bigint() - t0) / 1e9);
  };

  try {
    // Warm-up of both paths, unmeasured.
    for (const id of await prepare(50)) await invoicePaid({ invoiceid: id });
    await send((await prepare(50)).map(signed), 1);

    const local = await prepare(events);
    const inProcessPerSecond = await timed(async () => {
      for (const id of local) await invoicePaid({ invoiceid: id });
    }, events);
    const one = (await prepare(events)).map(signed);
    const signedPerSecond = await timed(() => send(one, 1), events);
    const many = (await prepare(events)).map(signed);
    const signedConcurrentPerSecond = await timed(() => send(many, concurrency), events);

    const all = [...one, ...many];
    const again =
      (await send(all, concurrency)) +
      (await send(
        all.flatMap((e) => [e, e]),
        concurrency,
      ));
    const stored = await db(T.commissions)
      .whereIn(
        'invoice_id',
        all.map((e) => e.invoiceId),
      )
      .count({ n: '*' })
      .first();
    if (Number(stored?.n) !== all.length) throw new Error(`${all.length} invoices paid, ${String(stored?.n)} commissions stored`);
    return { events, inProcessPerSecond, signedPerSecond, signedConcurrentPerSecond, concurrency, resent: all.length * 3, duplicatesProcessed: again };
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await tools.stop();
  }
}
