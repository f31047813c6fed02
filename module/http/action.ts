import type { Request, Response } from 'express';
import type { ClientPermission } from '../contract/permissions';

/** One page or form of the module, reached by `action` (or WHMCS's `t`) in its area's address. */
export interface Action<Who> {
  method: 'GET' | 'POST';
  /**
   * For a service manager signed in as the client: the permission the client must have granted.
   * Unset means never (the safe default); 'always' is only for the way back to the agent panel.
   */
  asClient?: ClientPermission | 'always';
  /** The fields its form declares (adminForm sets them from its schema), for the route table. */
  fields?: readonly string[];
  run(who: Who, req: Request, res: Response): Promise<void>;
}

export type Actions<Who> = Record<string, Action<Who>>;
