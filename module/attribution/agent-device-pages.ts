import { errorMessage } from '../core/errors';
import type { Request, Response } from 'express';
import type { HostUser } from '../contract/host-api';
import type { Logger } from '../core/logger';
import type { AgentService } from '../agents/agent-service';
import type { Actions } from '../http/action';
import { readCookie } from '../http/cookie-header';
import { liveSignIn } from '../http/live-sign-in';
import type { AgentDevices } from './agent-devices';
import { DEVICE_COOKIE, DEVICE_COOKIE_MS, type DeviceCookie } from './device-cookie';

export interface AgentDevicePagesDeps {
  agents: Pick<AgentService, 'byClient'>;
  devices: Pick<AgentDevices, 'record'>;
  cookie: DeviceCookie;
  logger: Logger;
}

/**
 * Every agent page gives the agent's browser its device cookie, not only the dashboard: an agent
 * who goes straight to Assets or Quotes uses that browser as much. Pages only (GET): a form's
 * answer comes after a page that set it. A client who is no agent, and a "sign in as client"
 * session (the browser is the agent's but the pages are the client's), are passed over.
 */
export function rememberingDevices({ agents, devices, cookie, logger }: AgentDevicePagesDeps, actions: Actions<HostUser>): Actions<HostUser> {
  async function remember(user: HostUser, req: Request, res: Response): Promise<void> {
    if (liveSignIn(res)) return;
    try {
      const agent = await agents.byClient(user.client_id);
      if (!agent) return;
      const sent = readCookie(req.headers.cookie, DEVICE_COOKIE);
      const known = cookie.read(sent);
      const { device, value } = known && sent ? { device: known, value: sent } : cookie.issue();
      await devices.record(device, agent.id);
      // Set again each time: two years from the agent's last visit, not their first.
      res.cookie(DEVICE_COOKIE, value, { maxAge: DEVICE_COOKIE_MS, httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
    } catch (e) {
      // Evidence for later, not a reason to refuse the agent their page.
      logger.error('agent device not recorded', { clientId: user.client_id, error: errorMessage(e) });
    }
  }

  const out: Actions<HostUser> = {};
  for (const [name, action] of Object.entries(actions)) {
    out[name] =
      action.method !== 'GET'
        ? action
        : {
            ...action,
            async run(user, req, res) {
              await remember(user, req, res);
              await action.run(user, req, res);
            },
          };
  }
  return out;
}
