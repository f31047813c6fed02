/** What the WHMCS API said instead of `result: success` (its `message`), or why it could not be asked. */
export class WhmcsApiError extends Error {
  constructor(
    readonly action: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`WHMCS ${action}: ${message}`, options);
    this.name = 'WhmcsApiError';
  }
}

export interface WhmcsApiOptions {
  /** The WHMCS System URL, e.g. https://billing.example.com/ (its /includes/api.php is called). */
  url: string;
  /** An API credential made in WHMCS (Setup > Staff Management > Manage API Credentials). */
  identifier: string;
  secret: string;
  /** Per call; WHMCS answers in well under a second, a hung one must not hold a hook. */
  timeoutMs?: number;
}

export type WhmcsParams = Record<string, string | number | undefined>;

/** An answer of WHMCS's API: a JSON object with `result`; what else it holds is the caller's to decode. */
export type WhmcsAnswer = Record<string, unknown>;

/**
 * WHMCS's documented external API: POST to <url>/includes/api.php, form-encoded, with the
 * credential, the action and responsetype=json. An answer with result "error" (or no JSON at
 * all) is thrown as a WhmcsApiError carrying WHMCS's message.
 */
export class WhmcsApi {
  private readonly endpoint: string;

  constructor(private readonly options: WhmcsApiOptions) {
    this.endpoint = new URL('includes/api.php', options.url.endsWith('/') ? options.url : `${options.url}/`).toString();
  }

  async call(action: string, params: WhmcsParams = {}): Promise<WhmcsAnswer> {
    const form = new URLSearchParams({ identifier: this.options.identifier, secret: this.options.secret, action, responsetype: 'json' });
    for (const [k, v] of Object.entries(params)) if (v !== undefined) form.set(k, String(v));
    let res: Response;
    try {
      res = await fetch(this.endpoint, { method: 'POST', body: form, signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000) });
    } catch (e) {
      throw new WhmcsApiError(action, `not reachable (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
    const text = await res.text();
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new WhmcsApiError(action, `HTTP ${res.status}, not JSON: ${text.slice(0, 120)}`);
    }
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw new WhmcsApiError(action, `HTTP ${res.status}, not an object`);
    const result: WhmcsAnswer = Object.fromEntries(Object.entries(answer));
    if (result.result !== 'success') throw new WhmcsApiError(action, typeof result.message === 'string' ? result.message : `HTTP ${res.status}, result ${String(result.result)}`);
    return result;
  }
}
