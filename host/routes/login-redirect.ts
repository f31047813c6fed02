import type { Response, Request } from 'express';

/** Longer addresses than this are not carried through the login: a header that long is refused by clients. */
const MAX_RETURN = 2048;

/** Sends a signed-out visitor to a login page that brings them back where they were, when that fits. */
export function redirectToLogin(req: Request, res: Response, loginPath: string): void {
  const back = req.originalUrl.length <= MAX_RETURN ? `?return=${encodeURIComponent(req.originalUrl)}` : '';
  res.redirect(302, `${loginPath}${back}`);
}
