import type { Request } from 'express';
import type { HookContext } from '../../module/contract/hooks';
import { bodyStrings } from './forms';

/**
 * The request as the modules' sign-up and checkout hooks read it. Only text cookies: cookie-parser
 * turns a "j:" cookie into an object, which no hook reads.
 */
export function hookContext(req: Request): HookContext {
  return { request: { cookies: bodyStrings(req.cookies), ip: req.ip, userAgent: req.get('user-agent') } };
}
