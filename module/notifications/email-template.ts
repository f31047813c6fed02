import path from 'node:path';
import ejs from 'ejs';
import { formatAmount, minor } from '../money/amount';
import { currency } from '../money/currencies';
import { translator } from '../i18n/lang';

const EMAIL_TEMPLATES = path.resolve(__dirname, '../../templates/email');

export interface RenderedEmail {
  subject: string;
  text: string;
}

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
  const helpers = { t: translator(language), money: (amount: number, cur: string) => formatAmount(minor(amount), currency(cur)) };
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
