import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { errorMessage, isUniqueViolation } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { Program } from '../programs/program-service';
import type { ProbationDefinition } from '../programs/probation-definition';
import { dayAfter, daysLeft, type Probation } from './probation-row';

/** The e-mail templates rendered in the module's language; the entry wires it. */
/** Renders an e-mail; given the recipient's client id, in the language they read the module in. */
export type RenderEmail = (template: string, data: Record<string, unknown>, recipientClientId?: number) => Promise<{ subject: string; text: string }>;

/**
 * The warnings before a probation's deadline (warn_days, counted from its start). Each is a row
 * written before the e-mail goes, so a second run or node sends nothing; a failed send keeps its
 * row with the error and is not retried (the next warning follows). A cron that missed days sends
 * only the latest warning due and records the earlier ones as skipped.
 */
export class ProbationWarnings {
  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'getClient' | 'sendEmail'>,
    private readonly render: RenderEmail,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async due(p: Probation, rules: ProbationDefinition, program: Program, clientId: number): Promise<number> {
    const now = this.clock.now();
    const due = [...rules.warn_days].sort((a, b) => a - b).filter((d) => dayAfter(p.startedAt, d, program.timezone) <= now);
    const latest = due.at(-1);
    if (latest === undefined) return 0;
    const sent = new Set((await this.db(T.probationWarnings).where({ probation_id: p.id }).pluck('day')).map(Number));
    if (sent.has(latest)) return 0;
    const client = await this.host.getClient(clientId);
    const to = client?.email ?? '';
    for (const day of due) {
      if (sent.has(day)) continue;
      try {
        await this.db(T.probationWarnings).insert({ probation_id: p.id, day, to: to.slice(0, 190), status: day === latest ? 'sending' : 'skipped', created_at: now });
      } catch (e) {
        if (isUniqueViolation(e)) return 0; // another node is sending it
        throw e;
      }
    }
    const key = { probation_id: p.id, day: latest };
    if (!client) {
      await this.db(T.probationWarnings)
        .where(key)
        .update({ status: 'failed', error: `client ${clientId} not found` });
      return 0;
    }
    try {
      const left = daysLeft(now, p.deadlineAt, program.timezone);
      // The last day a sale counts on: the one before the deadline's 00:00, written in the agent's language by the template.
      const mail = await this.render(
        'probation-warning',
        {
          client: { name: `${client.firstname} ${client.lastname}`.trim() },
          program: { name: program.name, timezone: program.timezone },
          days: left,
          lastDay: p.deadlineAt - 1,
          probation_days: rules.days,
        },
        clientId,
      );
      await this.host.sendEmail({ to, subject: mail.subject, text: mail.text });
      await this.db(T.probationWarnings).where(key).update({ status: 'sent' });
      return 1;
    } catch (e) {
      this.logger.error('probation warning not sent', { probation: p.id, day: latest, error: errorMessage(e) });
      await this.db(T.probationWarnings)
        .where(key)
        .update({ status: 'failed', error: errorMessage(e).slice(0, 255) });
      return 0;
    }
  }
}
