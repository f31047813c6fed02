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
import { renderEmail } from '../notifications/email-template';
import { translator } from '../i18n/lang';
import { HostEventLog } from '../reconcile/host-event-log';
import { ReconcileService } from '../reconcile/reconcile-service';

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
}

export type Services = ReturnType<typeof buildServices>;

/**
 * Every service of the module, each built with only the services it uses, in the order they
 * stand on each other. Only the entry (module/agenttools.ts) calls this; what it returns is
 * never handed on whole.
 */
export function buildServices({ db, host, clock, logger, language, secret, clickFlushMs, signInMinutes }: ServiceOptions) {
  const signer = new CookieSigner(secret);

  // The foundations: settings, the ledger, programs and agents. A change is told in one place,
  // so that this node's caches drop what it made stale.
  const settings = new SettingsStore(db);
  const ledger = new Ledger(db, clock);
  const changes = new Changes();
  const programs = new ProgramService(db, clock, changes);
  const agents = new AgentService(db, host, programs, clock, changes);

  // Links and clicks.
  const clicks = new ClickRecorder(db, logger, clickFlushMs);
  const linkHosts = new LinkHosts(settings, logger);
  const referralCookie = new ReferralCookie(signer);
  const tracking = new TrackingService(new AgentLinkCache(db, changes, clock), clicks, referralCookie, clock);
  const slugCache = new SlugCache(db, changes, clock);
  const codeCache = new CodeCache(db, clock);
  const slugs = new SlugService(db, settings, agents, changes);

  // Who a client belongs to.
  const deviceCookie = new DeviceCookie(signer);
  const devices = new AgentDevices(db, deviceCookie, clock);
  const domains = new DomainService(db, agents, programs, host, clock, logger);
  const selfReferral = new SelfReferralService(settings);
  const assignments = new AssignmentService(db, agents, programs, clock);
  const claims = new ReferralClaims(agents, programs, referralCookie, domains);
  const selfReferralCheck = new SelfReferralCheck(host, devices, selfReferral, logger);
  const orderClicks = new OrderClickService(db, claims, selfReferralCheck, programs, host, clock, logger);
  const attribution = new AttributionService(db, claims, selfReferralCheck, assignments, programs, host, clock, logger, orderClicks);

  // Money: commissions, refunds, releases, forfeiture, reviews, withdrawals.
  const commissions = new CommissionQueries(db);
  const earnings = new EarningService(db, host, agents, programs, new SalesClaims(db, assignments, programs, orderClicks, clock), ledger, selfReferral, clock);
  const refunds = new RefundService(db, host, ledger, clock);
  const releases = new ReleaseService(db, ledger, clock);
  const manualCommissions = new ManualCommissions(db, agents, programs, ledger, commissions, clock);
  const orderOverrides = new OrderOverrideService(db, host, agents, programs, assignments, earnings, ledger, clock);
  const forfeiture = new ForfeitureService(db, ledger, agents);
  const reviews = new ReviewService(db, assignments, new HeldEarningsService(ledger), clock);
  const withdrawals = new WithdrawalService(db, ledger, programs, agents, clock);
  // The host's payments and refunds whose hooks a crash cut short, found and done again.
  const hostEvents = new HostEventLog(db, clock);
  const reconcile = new ReconcileService(db, host, earnings, refunds, hostEvents, clock, logger);

  // The agent's clients: service managers, signing in as them, quotes, e-mails, creatives, figures.
  const agentContacts = new AgentContactService(db, clock);
  const serviceManagers = new ServiceManagerService(db, host, agents, assignments, selfReferralCheck, clock, programs, agentContacts);
  const signIns = new SignInService(db, agents, serviceManagers, host, clock, signInMinutes);
  const notifications = new NotificationService(db, host, agents, serviceManagers, assignments, clock, logger, language);
  const adminAssignments = new AdminAssignmentService(db, host, agents, assignments, serviceManagers, notifications);
  const quotes = new QuoteService(db, host, agents, serviceManagers, assignments, selfReferralCheck, clock, logger);
  const creatives = new CreativeService(db, clock);
  const reports = new ReportService(db, ledger, host, serviceManagers);
  const applications = new ApplicationService(db, host, programs, agents, clock, logger, (template, data) => renderEmail(template, language, data), translator(language));

  return {
    ...{ signer, settings, ledger, programs, agents, clicks, linkHosts, tracking, slugCache, codeCache, slugs },
    ...{ deviceCookie, devices, domains, selfReferral, assignments, claims, attribution },
    ...{ commissions, earnings, refunds, releases, manualCommissions, orderOverrides, forfeiture, reviews, withdrawals },
    ...{ hostEvents, reconcile },
    ...{ serviceManagers, agentContacts, offerRateLimit: new OfferRateLimit(clock), signIns, notifications, adminAssignments, quotes, creatives, reports },
    ...{ applications },
  };
}
