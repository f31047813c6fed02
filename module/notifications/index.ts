// What other capabilities use of notifications besides the notification service: the shape of
// the e-mail renderer they are handed (built once, in module/agenttools/services.ts).
export type { RenderEmail } from './email-template';
