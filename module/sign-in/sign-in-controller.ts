import { z } from 'zod';
import type { HostHttp, HostUser } from '../contract/host-api';
import type { Logger } from '../core/logger';
import { RuleError } from '../core/errors';
import type { Actions } from '../http/action';
import { formValues } from '../http/forms';
import { CLIENT_AREA } from '../http/paths';
import type { SignInService } from './sign-in-service';

const clientId = z.coerce.number().int().positive();

export interface SignInControllerDeps {
  http: Pick<HostHttp, 'beginSignInAs' | 'endSignInAs' | 'signInAs'>;
  signIns: Pick<SignInService, 'start' | 'get' | 'end'>;
  logger: Logger;
}

/**
 * Sign in as client, and back. Starting is for the agent's own account only (never from inside
 * another sign-in) and only for a client whose grant names this agent; the host switches the
 * session (with a new id) and every later request goes through the sign-in guard.
 */
export function signInActions({ http, signIns, logger }: SignInControllerDeps): Actions<HostUser> {
  return {
    signInAsClient: {
      method: 'POST',
      async run(user, req, res) {
        const id = clientId.safeParse(formValues(req.body).client_id);
        if (!id.success) throw new RuleError('sign_in.error.choose_client');
        const signIn = await signIns.start(user.client_id, id.data, req.ip ?? '');
        await http.beginSignInAs(req, id.data, signIn.id);
        logger.info('agent signed in as client', { agentId: signIn.agentId, clientId: id.data });
        res.redirect(303, '/clientarea');
      },
    },

    signInReturn: {
      method: 'POST',
      asClient: 'always',
      async run(_user, req, res) {
        const state = http.signInAs(req);
        const signIn = state ? await signIns.get(state.signInId) : null;
        if (signIn) await signIns.end(signIn, 'returned to the agent panel', req.ip ?? '');
        await http.endSignInAs(req);
        res.redirect(303, CLIENT_AREA);
      },
    },
  };
}
