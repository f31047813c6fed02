import type { Knex } from 'knex';
import type { HostApi } from '../contract/host-api';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { Changes } from '../core/changes';
import { CookieSigner } from '../core/cookie-signer';
import { SettingsStore } from '../settings/settings-store';
import { Ledger } from '../ledger/ledger';
import { ProgramService } from '../programs/program-service';
import { AgentService } from '../agents/agent-service';
import { ReferralCookie } from '../tracking/referral-cookie';
import { AgentLinkCache } from '../tracking/agent-cache';
import { ClickRecorder } from '../tracking/click-recorder';
import { RollupFold } from '../reports/rollups/rollup-fold';
import { dialectOf } from '../db/connection';
import { RollupReports } from '../reports/rollups/rollup-reports';
import { SavedReports } from '../reports/saved-reports';
import { TrackingService } from '../tracking/tracking-service';
import { LinkHosts } from '../tracking/link-hosts-service';
import { CodeCache } from '../links/code-cache';
import { SlugCache } from '../links/slug-cache';
import { SlugService } from '../links/slug-service';
import { AgentDevices } from '../attribution/agent-devices';
import { AssignmentService } from '../attribution/assignment-service';
import { AttributionService } from '../attribution/attribution-service';
import { OrderClickService } from '../attribution/order-click-service';
import { DeviceCookie } from '../attribution/device-cookie';
import { DomainService } from '../attribution/domain-service';
import { ReferralClaims } from '../attribution/referral-claims';
import { ReviewService } from '../attribution/review-service';
import { ReferralMoveService } from '../attribution/referral-move-service';
import { SelfReferralWarnings } from '../attribution/self-referral-warnings';
import { SelfReferralCheck } from '../attribution/self-referral-check';
import { SelfReferralService } from '../attribution/self-referral-service';
import { CommissionQueries } from '../commissions/commission-queries';
import { EarningService } from '../commissions/earning-service';
import { SalesClaims } from '../commissions/sales-claims';
import { ForfeitureService } from '../commissions/forfeiture-service';
import { HeldEarningsService } from '../commissions/held-earnings-service';
import { ManualCommissions } from '../commissions/manual-commissions';
import { OrderOverrideService } from '../commissions/order-override-service';
import { RefundService } from '../commissions/refund-service';
import { ReleaseService } from '../commissions/release-service';
import { WithdrawalService } from '../withdrawals/withdrawal-service';
import { ExemptionCertificates, ProfileWithholding, TaxDocuments, TaxPayouts, TaxProfileService } from '../tax';
import { AdminAssignmentService } from '../service-managers/admin-assignment-service';
import { ServiceManagerService } from '../service-managers/service-manager-service';
import { AgentContactService } from '../service-managers/agent-contact-service';
import { OfferRateLimit } from '../service-managers/offer-rate-limit';
import { SignInService } from '../sign-in/sign-in-service';
import { NotificationService } from '../notifications/notification-service';
import { QuoteService } from '../quotes/quote-service';
import { CreativeService } from '../creatives/creative-service';
import { ReportService } from '../reports/report-service';
import { ApplicationService } from '../applications/application-service';
import { renderEmail, type RenderEmail } from '../notifications/email-template';
import { ReaderLanguage } from '../agents/reader-language';
import { translator } from '../i18n/lang';
import { HostEventLog } from '../reconcile/host-event-log';
import { TargetBonusService } from '../commissions/target-bonus-service';
import { RecurringForfeitureService } from '../commissions/recurring-forfeiture-service';
import { ReassignmentService } from '../attribution/reassignment-service';
import { TargetService } from '../targets/target-service';
import { ProbationService } from '../probation/probation-service';
import { ProbationWarnings } from '../probation/probation-warnings';
import { ReconcileService } from '../reconcile/reconcile-service';
import { WhatIfService } from '../what-if/what-if-service';
import { ChecklistStore, TierChanges, TierEvaluationService, TierHistory, TierMail, TierView } from '../tiers';
import { EventSourceService } from '../events-in/event-source-service';
import { InboundEventLog } from '../events-in/inbound-event-log';
import { WhmcsImportService } from '../whmcs-import/whmcs-import-service';
import { ApiKeyService } from '../api/api-key-service';
import { IdempotencyStore } from '../api/idempotency-store';
import { WebhookDeliveryLog, WebhookDispatcher, WebhookEndpointService, WebhookOutbox } from '../webhooks-out';
import { announceChanges, cacheVersionOf } from '../db/cache-version';
import { PayoutBatchService, creditToAccount } from '../payouts/batches';
import { PayoutMethodService } from '../payouts/payout-method-service';
import { PayoutKeys } from '../payouts/payout-cipher';
import { CreditPayouts } from '../payouts/credit-payout';
import { WithdrawalEnding } from '../withdrawals/withdrawal-ending';
import { InboxService } from '../admin-area/inbox-service';
import { PeopleService } from '../admin-area/people-service';
import { ProgramReportService } from '../admin-area/program-report-service';

export interface ServiceOptions {
  db: Knex;
  host: HostApi;
  clock: Clock;
  logger: Logger;
  language: string;
  /** Signs the module's cookies; null until activate() reads it from the database. */
  secret: string | null;
  clickFlushMs: number;
  signInMinutes: number;
  /** AGENTTOOLS_PAYOUT_KEY, AGENTTOOLS_PAYOUT_OLD_KEYS (module/payouts/payout-cipher.ts). */
  payoutKeyEnv: Record<string, string | undefined>;
}

export type Services = ReturnType<typeof buildServices>;

/**
 * Every service of the module, each built with only the services it uses, in the order they
 * stand on each other. Only the entry (module/agenttools.ts) calls this; what it returns is
 * never handed on whole.
 */
export function buildServices({ db, host, clock, logger, language, secret, clickFlushMs, signInMinutes, payoutKeyEnv }: ServiceOptions) {
  const signer = new CookieSigner(secret);

  // The foundations: settings, the ledger, programs and agents. A change is told in one place,
  // so that this node's caches drop what it made stale.
  const settings = new SettingsStore(db);
  const ledger = new Ledger(db, clock);
  // Webhooks out (issue 16): the changes below write their events here, in their own transactions.
  const outbox = new WebhookOutbox(clock);
  const changes = new Changes();
  // Other nodes' caches hear of this node's changes through the database, within a second.
  const version = cacheVersionOf(db, clock);
  announceChanges(changes, version, (e) => logger.warn('the cache version could not be raised', { error: String(e) }));
  const programs = new ProgramService(db, clock, changes);
  const agents = new AgentService(db, host, programs, clock, changes);
  const readerLanguage = new ReaderLanguage({ host, agents, programs, fallback: language });
  // Every e-mail in its recipient's language (issue #14): a client's or agent's own, an admin's (no client) the module's default.
  const mail: RenderEmail = async (template, data, recipientClientId) => renderEmail(template, recipientClientId === undefined ? language : await readerLanguage.ofClient(recipientClientId), data);

  // Links and clicks.
  const clicks = new ClickRecorder(db, logger, clickFlushMs);
  // Daily roll-ups for the agent's Overview and Reports (issue #13): each click batch adds its
  // clicks as it is written; sign-ups and money are folded from the referrals and the ledger.
  const rollups = new RollupFold({ db, host, programs, clock, logger, lagMs: dialectOf(db) === 'mysql' ? 10_000 : 0 });
  clicks.onWrite((trx, batch) => rollups.clicksWritten(trx, batch));
  const linkHosts = new LinkHosts(settings, logger);
  const referralCookie = new ReferralCookie(signer);
  const tracking = new TrackingService(new AgentLinkCache(db, changes, clock, { version }), clicks, referralCookie, clock);
  const slugCache = new SlugCache(db, changes, clock, { version });
  const codeCache = new CodeCache(db, clock, { version });
  const slugs = new SlugService(db, settings, agents, changes);

  // Who a client belongs to.
  const deviceCookie = new DeviceCookie(signer);
  const devices = new AgentDevices(db, deviceCookie, clock);
  const domains = new DomainService(db, agents, programs, host, clock, logger);
  const selfReferral = new SelfReferralService(settings);
  const assignments = new AssignmentService(db, agents, programs, clock, new SelfReferralWarnings(db, host), outbox);
  const referralMoves = new ReferralMoveService(db, assignments, clock);
  const claims = new ReferralClaims(agents, programs, referralCookie, domains);
  const selfReferralCheck = new SelfReferralCheck(host, devices, selfReferral, logger);
  const orderClicks = new OrderClickService(db, claims, selfReferralCheck, programs, host, clock, logger);
  const attribution = new AttributionService(db, claims, selfReferralCheck, assignments, programs, host, clock, logger, orderClicks, outbox);

  // Money: commissions, refunds, releases, forfeiture, reviews, withdrawals.
  const commissions = new CommissionQueries(db);
  // The tier history: kept by module/tiers, read by InvoicePaid for a change due but not yet applied.
  const tierHistory = new TierHistory(db);
  const earnings = new EarningService(db, host, agents, programs, new SalesClaims(db, assignments, programs, orderClicks, clock), ledger, selfReferral, clock, tierHistory, outbox);
  const refunds = new RefundService(db, host, ledger, clock, outbox);
  const releases = new ReleaseService(db, ledger, clock, outbox);
  const manualCommissions = new ManualCommissions(db, agents, programs, ledger, commissions, clock, outbox);
  const orderOverrides = new OrderOverrideService(db, host, agents, programs, assignments, earnings, ledger, clock);
  const forfeiture = new ForfeitureService(db, ledger, agents, outbox);
  const reviews = new ReviewService(db, assignments, new HeldEarningsService(ledger), clock, referralMoves);
  // Tax (issue 15): agents' tax profiles, and the tax of each payout decided from them.
  const taxProfiles = new TaxProfileService(db, clock);
  // An exemption counts only with its certificate filed (uploaded) beside the profile.
  const exemptionCertificates = new ExemptionCertificates(db, clock);
  const withholding = new ProfileWithholding(taxProfiles, clock, exemptionCertificates);
  const withdrawals = new WithdrawalService(db, ledger, programs, agents, clock, outbox, withholding);
  const taxPayouts = new TaxPayouts(db);
  // The host's payments and refunds whose hooks a crash cut short, found and done again.
  const hostEvents = new HostEventLog(db, clock);
  const reconcile = new ReconcileService(db, host, earnings, refunds, hostEvents, clock, logger);

  // The agent's clients: service managers, signing in as them, quotes, e-mails, creatives, figures.
  const agentContacts = new AgentContactService(db, clock);
  const serviceManagers = new ServiceManagerService(db, host, agents, assignments, selfReferralCheck, clock, programs, agentContacts, referralMoves);
  const signIns = new SignInService(db, agents, serviceManagers, host, clock, signInMinutes);
  const notifications = new NotificationService(db, host, agents, serviceManagers, assignments, clock, logger, (clientId) => readerLanguage.ofClient(clientId));
  const adminAssignments = new AdminAssignmentService(db, host, agents, assignments, serviceManagers, notifications);
  const quotes = new QuoteService(db, host, agents, serviceManagers, assignments, selfReferralCheck, clock, logger, mail);
  const creatives = new CreativeService(db, clock);
  const reports = new ReportService(db, ledger, host, serviceManagers);
  const applications = new ApplicationService(db, host, programs, agents, clock, logger, mail, translator(language));

  // Clients taken from an agent who failed probation or was demoted to the entry tier.
  const reassignment = new ReassignmentService(assignments, programs);
  // Measured monthly targets and probation (issue #11): month closes and probations from the daily cron.
  const targets = new TargetService(db, programs, new TargetBonusService(ledger, programs, outbox), clock);
  const probationWarnings = new ProbationWarnings(db, host, mail, clock, logger);
  const probation = new ProbationService(db, programs, new RecurringForfeitureService(ledger, programs), reassignment, probationWarnings, clock);
  // Tiers over time: checklists, the history, the daily evaluation (issue #11). A demotion to the
  // entry tier reassigns the agent's clients and, where it is the probation tier, starts a new probation.
  const checklists = new ChecklistStore(db, clock);
  const tierChanges = new TierChanges(db, tierHistory, programs, clock, reassignment, probation, outbox);
  const tierMail = new TierMail(host, mail, logger);
  const tiers = new TierEvaluationService(db, programs, tierHistory, tierChanges, checklists, tierMail, clock);

  // Payout methods (issue 15): each agent's, sealed at rest; requests ended before they are paid; credit to account.
  const payoutMethods = new PayoutMethodService({ db, keys: new PayoutKeys(payoutKeyEnv, settings), agents, programs, host, render: mail, clock, logger });
  const withdrawalEnding = new WithdrawalEnding({ db, ledger, withdrawals, agents, host, render: mail, clock, logger });
  const creditPayouts = new CreditPayouts({ db, host, agents, t: translator(language), clock });

  return {
    readerLanguage,
    ...{ checklists, tierHistory, tierChanges, tiers, tierView: new TierView(tierHistory, checklists) },
    ...{ targets, reassignment, probation },
    ...{ signer, settings, ledger, programs, agents, clicks, linkHosts, tracking, slugCache, codeCache, slugs },
    ...{ deviceCookie, devices, domains, selfReferral, assignments, referralMoves, claims, attribution },
    ...{ commissions, earnings, refunds, releases, manualCommissions, orderOverrides, forfeiture, reviews, withdrawals },
    ...{ hostEvents, reconcile },
    // Events from billing systems outside the process: their sources, and each event claimed once.
    ...{ eventSources: new EventSourceService(db, clock), inboundEvents: new InboundEventLog(db, clock) },
    ...{ outbox, webhookEndpoints: new WebhookEndpointService(db, clock), webhookDeliveries: new WebhookDeliveryLog(db, clock), webhookDispatcher: new WebhookDispatcher(db, clock, logger) },
    ...{ serviceManagers, agentContacts, offerRateLimit: new OfferRateLimit(clock), signIns, notifications, adminAssignments, quotes, creatives, reports },
    ...{ applications },
    // The REST API (issue 16): its keys, and each write's Idempotency-Key.
    ...{ apiKeys: new ApiKeyService(db, clock), apiIdempotency: new IdempotencyStore(db, clock) },
    // Before a new version of a program is loaded: what each agent would have earned under it (reads only).
    ...{ whatIf: new WhatIfService(db, host, agents, programs) },
    // Affiliates brought across from a WHMCS database (agent-tools import whmcs).
    ...{ whmcsImport: new WhmcsImportService(db, host, programs, agents, assignments, ledger, clock) },
    // Tax (issue 15): the profiles, the withholding the payout batches use too, and the certificates, statements and report.
    ...{ exemptionCertificates },
    ...{ taxProfiles, withholding, taxPayouts, taxDocuments: new TaxDocuments({ payouts: taxPayouts, profiles: taxProfiles, agents, programs, host, settings, clock }) },
    // Payout batches (issue 15): due withdrawals gathered per program, currency and method, their
    // files, credit through the host; each agent's method read from payoutMethods.
    ...{ payoutBatches: new PayoutBatchService(db, ledger, programs, payoutMethods, withholding, host, creditToAccount(creditPayouts), clock, translator(language), outbox, mail) },
    // The admin's area (issue #13): the inbox's counts, the person pickers, the program report.
    ...{ inbox: new InboxService(db), people: new PeopleService(db, host), programReport: new ProgramReportService(db, programs, clock) },
    ...{ payoutMethods, withdrawalEnding, creditPayouts },
    // The agent's Overview and Reports (issue #13): daily roll-ups, the reports read from them, saved reports.
    ...{ rollups, rollupReports: new RollupReports(db, rollups), savedReports: new SavedReports(db, clock), clock },
  };
}
