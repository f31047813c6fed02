import autocannon from 'autocannon';

export interface LoadResult {
  /** Mean of autocannon's per-second request counts (all responses, whatever the status). */
  rps: number;
  p99Ms: number;
  /** Requests autocannon wrote, including the last one of each connection, still unanswered when it stopped. */
  sent: number;
  /** Responses with a 2xx or 3xx status. autocannon counts 3xx under non2xx, so add them up here. */
  ok: number;
  /** Responses with any other status, plus connection errors and timeouts. */
  failed: number;
  /** Responses by status code. */
  codes: Map<number, number>;
  errors: number;
  timeouts: number;
}

/**
 * One autocannon run against `url`. It runs in a worker thread: in this thread it would share
 * the event loop (and the CPU) with the server it measures, and its own per-request cost would
 * flatten the difference between two servers.
 */
export async function load(url: string, seconds: number, connections: number): Promise<LoadResult> {
  // Each request is its own visitor (its own user agent): a visitor's repeats within an hour
  // count once, and the point here is the cost of a click that is counted and stored.
  const r = await autocannon({ url, connections, duration: seconds, workers: 1, idReplacement: true, headers: { 'user-agent': 'Mozilla/5.0 (bench visitor [<id>])' } });
  const codes = new Map(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [Number(code), s.count ?? 0] as const));
  const ok = [...codes].filter(([code]) => code >= 200 && code < 400).reduce((n, [, c]) => n + c, 0);
  const bad = [...codes].filter(([code]) => code < 200 || code >= 400).reduce((n, [, c]) => n + c, 0);
  return { rps: r.requests.mean, sent: r.requests.sent, p99Ms: r.latency.p99, ok, failed: bad + r.errors, codes, errors: r.errors, timeouts: r.timeouts };
}

/**
 * Runs of equal length against one server taken as one: the mean rate, and the worse p99 (the
 * runs' latencies are not kept, so the exact p99 of the whole cannot be had).
 */
export function combine(runs: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => runs.reduce((n, r) => n + f(r), 0);
  const codes = new Map<number, number>();
  for (const r of runs) for (const [code, n] of r.codes) codes.set(code, (codes.get(code) ?? 0) + n);
  return {
    rps: sum((r) => r.rps) / runs.length,
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    sent: sum((r) => r.sent),
    ok: sum((r) => r.ok),
    failed: sum((r) => r.failed),
    codes,
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
  };
}

export function statuses(r: LoadResult): string {
  return [...r.codes].map(([code, n]) => `${code}×${n}`).join(' ') + (r.errors ? ` errors×${r.errors} (timeouts ${r.timeouts})` : '');
}
