import { z } from 'zod';
import type { HostUser } from '../contract/host-api';
import { RuleError } from '../core/errors';
import type { Action } from './router';
import { formValues } from './forms';
import { CLIENT_AREA } from './paths';

const clientId = z.coerce.number().int().positive();

/**
 * Sign in as client, and back. Starting is for the agent's own account only (never from inside
 * another sign-in) and only for a client whose grant names this agent; the host switches the
 * session (with a new id) and every later request goes through the sign-in guard.
 */
export const signInActions: Record<string, Action<HostUser>> = {
  signInAsClient: {
    method: 'POST',
    async run(core, user, req, res) {
      const id = clientId.safeParse(formValues(req.body).client_id);
      if (!id.success) throw new RuleError('choose one of your clients');
      const signIn = await core.signIns.start(user.client_id, id.data, req.ip ?? '');
      await core.host.http.beginSignInAs(req, id.data, signIn.id);
      core.logger.info('agent signed in as client', { agentId: signIn.agentId, clientId: id.data });
      res.redirect(303, '/clientarea');
    },
  },

  signInReturn: {
    method: 'POST',
    asClient: 'always',
    async run(core, _user, req, res) {
      const state = core.host.http.signInAs(req);
      const signIn = state ? await core.signIns.get(state.signInId) : null;
      if (signIn) await core.signIns.end(signIn, 'returned to the agent panel', req.ip ?? '');
      await core.host.http.endSignInAs(req);
      res.redirect(303, CLIENT_AREA);
    },
  },
};
