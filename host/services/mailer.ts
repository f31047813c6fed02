import type { Knex } from 'knex';
import nodemailer, { type Transporter } from 'nodemailer';
import type { HostEmail } from '../../module/contract/host-api';
import type { Clock } from '../../module/core/clock';

/**
 * Every e-mail is written to the platform's e-mail log (as WHMCS keeps one) and, when SMTP_URL is
 * set (smtp://user:pass@host:587), sent through it by nodemailer.
 */
export class Mailer {
  private readonly transport: Transporter | null;

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    smtpUrl: string | undefined,
    private readonly from = 'billing@localhost',
  ) {
    this.transport = smtpUrl ? nodemailer.createTransport(smtpUrl) : null;
  }

  async send(message: HostEmail): Promise<void> {
    await this.db('host_emails').insert({ to: message.to, subject: message.subject.slice(0, 255), text: message.text, created_at: this.clock.now() });
    if (this.transport) await this.transport.sendMail({ from: this.from, ...message });
  }
}
