import type { HostApi } from '../contract/host-api';
import type { Logger } from '../core/logger';
import { errorMessage } from '../core/errors';
import type { Program } from '../programs/program-service';
import type { TierChange } from './history';

/** Renders an e-mail; given the recipient's client id, in the language they read the module in. */
type RenderEmail = (template: string, data: Record<string, unknown>, recipientClientId?: number) => Promise<{ subject: string; text: string }>;

/**
 * Tells an agent that the cron changed their tier (templates/email/tier-changed.ejs). Sent by the
 * node that recorded the change, once; a failed e-mail is logged and does not undo the change.
 */
export class TierMail {
  constructor(
    private readonly host: Pick<HostApi, 'getClient' | 'sendEmail'>,
    private readonly render: RenderEmail,
    private readonly logger: Logger,
  ) {}

  async changed(clientId: number, program: Program, change: TierChange, up: boolean): Promise<void> {
    try {
      const client = await this.host.getClient(clientId);
      if (!client) return;
      const name = (key: string | null) => program.def.tiers.find((t) => t.key === key)?.name ?? key ?? '';
      const mail = await this.render(
        'tier-changed',
        {
          client: { name: `${client.firstname} ${client.lastname}`.trim() },
          program: { name: program.name },
          up,
          from: name(change.fromTier),
          to: name(change.toTier),
          since: change.effectiveOn,
          keptUntil: change.keptUntil ?? '',
        },
        clientId,
      );
      await this.host.sendEmail({ to: client.email, subject: mail.subject, text: mail.text });
    } catch (e) {
      this.logger.error('tier e-mail failed', { agentClient: clientId, change: change.id, error: errorMessage(e) });
    }
  }
}
