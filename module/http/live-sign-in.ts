import type { Response } from 'express';
import type { ClientPermission } from '../contract/permissions';

/** A sign-in as client that the guard let through for this request. */
export interface LiveSignIn {
  id: string;
  agentId: number;
  clientId: number;
  permissions: readonly ClientPermission[];
}

// Kept beside the response rather than in res.locals: typed, and out of the templates' reach.
const live = new WeakMap<Response, LiveSignIn>();

/** Set by the sign-in guard before anything else of the request runs. */
export function setLiveSignIn(res: Response, signIn: LiveSignIn): void {
  live.set(res, signIn);
}

/** The live sign-in-as-client of this request, once the guard has let it through. */
export function liveSignIn(res: Response): LiveSignIn | null {
  return live.get(res) ?? null;
}
