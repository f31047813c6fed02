import path from 'node:path';
import ejs from 'ejs';
import { DateTime } from 'luxon';
import { viewHelpers } from '../http/render';

const EMAIL_TEMPLATES = path.resolve(__dirname, '../../templates/email');

export interface RenderedEmail {
  subject: string;
  text: string;
}

/**
 * How a service renders an e-mail: to a client or an agent (their client id), in the language they
 * read the module in (module/agents/reader-language.ts); to an admin (no id), in the module's default.
 */
export type RenderEmail = (template: string, data: Record<string, unknown>, recipientClientId?: number) => Promise<RenderedEmail>;

/**
 * These are plain-text e-mails, so HTML escaping would only garble names ("O&#39;Brien"). Values
 * still go through `<%=`, with this escape instead: a line break inside a value becomes a space,
 * so that no name can end the subject line or forge lines of the message.
 */
function plainText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // A template prints text and numbers; anything else is a mistake in it, refused rather than sent as "[object Object]".
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'boolean') {
    throw new TypeError(`an e-mail template printed a value of type ${typeof value}, not text`);
  }
  return String(value).replace(/[\r\n]+/g, ' ');
}

/**
 * Renders templates/email/<name>.ejs, which an admin may edit: its first line is the subject,
 * everything after the blank line below it the text. Sentences come from the language file, so
 * the template decides the layout and the language the words.
 */
export async function renderEmail(name: string, language: string, data: Record<string, unknown>): Promise<RenderedEmail> {
  const h = viewHelpers(language, '');
  // Money, dates and words as the recipient's language writes them ("KES 7,560.00", "1 000,00 ₽");
  // longDate is the day in words ("4 April 2026", "4 апреля 2026"), in the program's time zone.
  const longDate = (ms: number, zone = 'UTC') => DateTime.fromMillis(ms, { zone }).setLocale(h.locale).toFormat('d MMMM yyyy');
  const helpers = {
    t: h.t,
    language,
    locale: h.locale,
    money: (amount: number, cur: string) => h.money(amount, cur),
    date: (ms: number | null, zone?: string) => h.date(ms, zone),
    dateTime: (ms: number, zone?: string) => h.dateTime(ms, zone),
    rate: (bp: number) => h.rate(bp),
    longDate,
  };
  const out = await ejs.renderFile(path.join(EMAIL_TEMPLATES, `${name}.ejs`), { ...helpers, ...data }, { cache: true, escape: plainText });
  const [subject = '', ...rest] = out.replace(/\r\n/g, '\n').split('\n');
  return {
    subject: subject.trim(),
    text:
      rest
        .join('\n')
        .replace(/^\n+/, '')
        .replace(/\n{3,}/g, '\n\n')
        .trimEnd() + '\n',
  };
}
