import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import type { FieldErrors } from './forms';
import { MODULE_ASSETS } from './paths';
import { escapeHtml, type ViewHelpers } from './render';

/** The module's own stylesheet and script, served by moduleAssets() from module/http/assets. */
export const STYLESHEET_PATH = `${MODULE_ASSETS}/agenttools.css`;
export const SCRIPT_PATH = `${MODULE_ASSETS}/agenttools.js`;

/**
 * A module page as the host's layout receives it: inside an `.at-page` box that the stylesheet
 * fits to a phone, with the stylesheet and the script beside it. A WHMCS addon's templates bring
 * their own files the same way, since the host's <head> is not the module's to change.
 * `locale` marks the box's language. `gatherErrors` (a heading) asks the script to build the error summary from the messages
 * beside the fields, for a refused page whose controller kept no list of them.
 */
export function framePage(html: string, gatherErrors: string | null = null, locale: string | null = null): string {
  const gather = gatherErrors === null ? '' : ` data-gather-errors="${escapeHtml(gatherErrors)}"`;
  // The page's own language, which the host's <html lang> may not be: screen readers and hyphenation follow it.
  const lang = locale === null ? '' : ` lang="${escapeHtml(locale)}"`;
  return `<link rel="stylesheet" href="${STYLESHEET_PATH}"><div class="at-page"${lang}${gather}>${html}</div><script src="${SCRIPT_PATH}" defer></script>`;
}

const FORM_ERRORS = path.resolve(__dirname, '../../templates/partials/form-errors.ejs');
let formErrors: ejs.TemplateFunction | null = null;

/** templates/partials/form-errors.ejs, rendered at once (compiled on first use). */
export function formErrorsHtml(data: { errors: FieldErrors; h: Pick<ViewHelpers, 't'> }): string {
  formErrors ??= ejs.compile(fs.readFileSync(FORM_ERRORS, 'utf8'), { filename: FORM_ERRORS, async: false });
  return formErrors(data);
}
