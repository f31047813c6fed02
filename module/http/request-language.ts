import type { Request, Response } from 'express';
import { isLanguage } from '../i18n/lang';
import { readCookie } from './cookie-header';

/** The browser session's choice of language, as `?language=` set it. */
export const LANGUAGE_COOKIE = 'agenttools_language';

const decided = new WeakMap<Request, string>();

/** The language dispatch decided for this request; undefined before, or outside a module page. */
export function requestLanguage(req: Request | undefined): string | undefined {
  return req ? decided.get(req) : undefined;
}

export function setRequestLanguage(req: Request, language: string): void {
  decided.set(req, language);
}

/**
 * The language the visitor picked in this browser session: `?language=russian` on any page, the
 * WHMCS way, remembered in a session cookie (no expiry: it ends with the browser session). A name
 * no language file has is ignored, as WHMCS ignores it.
 */
export function chosenLanguage(req: Request, res: Response): string | null {
  const asked = knownLanguage(req.query.language);
  if (asked) {
    res.cookie(LANGUAGE_COOKIE, asked, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
    return asked;
  }
  return knownLanguage(readCookie(req.headers.cookie, LANGUAGE_COOKIE));
}

/** A language name as a visitor gave it (any case), when a language file has it; null otherwise. */
export function knownLanguage(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  const lower = name.toLowerCase();
  return isLanguage(lower) ? lower : null;
}
