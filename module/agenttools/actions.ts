import type { Knex } from 'knex';
import type { HostAdmin, HostApi, HostUser } from '../contract/host-api';
import type { Logger } from '../core/logger';
import type { Actions } from '../http/action';
import type { Pages } from '../http/pages';
import { verifyLedger } from '../ledger/verify';
import { programAdminActions } from '../programs/program-admin-controller';
import { whatIfAdminActions } from '../what-if/what-if-admin-controller';
import { agentAdminActions } from '../agents/agent-admin-controller';
import { targetAdminActions } from '../targets/target-admin-controller';
import { linkHostsAdminActions } from '../tracking/link-hosts-admin-controller';
import { rememberingDevices } from '../attribution/agent-device-pages';
import { assignmentAdminActions } from '../attribution/assignment-admin-controller';
import { domainActions } from '../attribution/domain-controller';
import { signUpSettingsActions } from '../attribution/sign-up-settings-controller';
import { slugAdminActions } from '../links/slug-admin-controller';
import { commissionAdminActions } from '../commissions/commission-admin-controller';
import { withdrawalAdminActions } from '../withdrawals/withdrawal-admin-controller';
import { serviceManagerAdminActions } from '../service-managers/service-manager-admin-controller';
import { serviceManagerActions } from '../service-managers/service-manager-controller';
import { agentContactActions } from '../service-managers/agent-contact-controller';
import { signInActions } from '../sign-in/sign-in-controller';
import { signInAuditActions } from '../sign-in/sign-in-audit-controller';
import { quoteActions } from '../quotes/quote-controller';
import { creativeActions } from '../creatives/creatives-controller';
import { adminPages } from '../reports/admin-pages';
import { clientReferralActions } from '../reports/client-referral-controller';
import { dashboardActions } from '../reports/dashboard-controller';
import { reportsActions } from '../reports/reports-controller';
import { MODULE_VERSION } from '../config';
import { tierAdminActions } from '../tiers';
import { applicationActions } from '../applications/application-controller';
import { applicationAdminActions } from '../applications/application-admin-controller';
import { eventSourceAdminActions } from '../events-in/event-source-admin-controller';
import { apiKeyAdminActions } from '../api/api-key-admin-controller';
import { webhookAdminActions } from '../webhooks-out';
import { payoutBatchAdminActions } from '../payouts/batches';
import { taxActions } from '../tax';
import { adminNavHtml } from '../admin-area/admin-nav';
import { peopleSearchActions, withPersonLookup } from '../admin-area/people-controller';
import { programReportActions } from '../admin-area/program-report-controller';
import { linksActions } from '../links/links-controller';
import { commissionsActions } from '../commissions';
import { referralsActions } from '../reports/referrals-controller';
import { managedActions } from '../reports/managed-controller';
import { payoutsActions } from '../withdrawals/payouts-controller';
import { termsActions } from '../agents/terms-controller';
import { COPY_SCRIPT_PATH } from '../creatives/creative-paths';
import { payoutSettingsActions } from '../payouts/payout-settings-controller';
import { withdrawalEndingAdminActions, withdrawalEndingClientActions } from '../withdrawals/withdrawal-ending-controller';
import type { Services } from './services';

/**
 * The client area's and the admin area's pages and forms, by their `action` name: each
 * capability's controller with only the services it uses.
 */
export function buildActions(s: Services, db: Knex, host: HostApi, pages: Pages, logger: Logger): { client: Actions<HostUser>; admin: Actions<HostAdmin> } {
  const { agents, programs, assignments, reports } = s;
  const domains = domainActions({ pages, logger, host, agents, domains: s.domains });
  const creatives = creativeActions({ pages, logger, host, agents, creatives: s.creatives, reports });
  const agentPages = rememberingDevices(
    { agents, devices: s.devices, cookie: s.deviceCookie, logger },
    {
      ...quoteActions({ pages, host, quotes: s.quotes, reports }),
      ...domains.client,
      ...creatives.client,
      // The agent's area, page by page (issue 13): each capability's pages with what they read.
      ...linksActions({
        ...{ pages, agents, programs, host, slugs: s.slugs, allowedHosts: () => s.linkHosts.current(), copyScript: COPY_SCRIPT_PATH },
        ...{ sources: (id: number) => reports.sources(id), earnings: (id: number) => s.commissions.earningsBySource(id) },
      }),
      ...commissionsActions({ pages, agents, programs, commissions: s.commissions, host, sources: (id: number) => reports.sourceNames(id) }),
      ...referralsActions({ pages, agents, programs, reports, commissions: s.commissions }),
      ...payoutsActions({ pages, agents, programs, withdrawals: s.withdrawals }),
      ...termsActions({ pages, agents, programs, host }),
      ...managedActions({ pages, agents, programs, host, reports }),
      // The Overview (the area's home) and the Reports: figures over time from the daily roll-ups.
      ...dashboardActions({
        pages,
        reports,
        clock: s.clock,
        version: MODULE_VERSION,
        agents,
        programs,
        ledger: s.ledger,
        withdrawals: s.withdrawals,
        rollups: s.rollupReports,
        probation: s.probation,
        tierView: s.tierView,
      }),
      ...reportsActions({ pages, clock: s.clock, agents, programs, rollups: s.rollupReports, saved: s.savedReports }),
    },
  );
  // Tax (issue 15): the agent's tax profile and documents, the admin's view and the provider's report.
  const tax = taxActions({ pages, logger, host, agents, programs, profiles: s.taxProfiles, payouts: s.taxPayouts, documents: s.taxDocuments, certificates: s.exemptionCertificates });
  const client: Actions<HostUser> = {
    // A client's side of a service manager, and the sign-in's own forms: not agent pages.
    ...serviceManagerActions({ pages, logger, host, agents, serviceManagers: s.serviceManagers, signIns: s.signIns, offerRateLimit: s.offerRateLimit }),
    ...agentContactActions({ pages, agents, contacts: s.agentContacts }),
    ...signInActions({ http: host.http, signIns: s.signIns, logger }),
    ...applicationActions({ pages, applications: s.applications }),
    ...agentPages,
    ...tax.client,
    // Payout methods and the agent's cancel of their own request (issue 15): never as a client.
    ...payoutSettingsActions({ pages, agents, programs, methods: s.payoutMethods }),
    ...withdrawalEndingClientActions({ pages, agents, ending: s.withdrawalEnding }),
  };

  const home = adminPages({
    ...{ pages, logger, host, agents, programs, ledger: s.ledger, verifyLedger: () => verifyLedger(db), commissions: s.commissions, assignments },
    ...{ unassignedClients: () => s.adminAssignments.unassignedClients(), withdrawals: s.withdrawals, reviews: s.reviews, slugs: s.slugs },
    ...{ selfReferral: s.selfReferral, linkHosts: s.linkHosts, reports, applications: s.applications, tierView: s.tierView },
    // The admin area's inbox, names for people, and its menu's knowledge of other capabilities' pages.
    ...{ inbox: s.inbox, people: s.people, hasAction: (name: string) => name in admin },
  });
  const { form } = home;
  const admin: Actions<HostAdmin> = {
    ...home.actions,
    ...peopleSearchActions(s.people),
    ...programReportActions({ pages, report: s.programReport, people: s.people }),
    ...tierAdminActions(form, agents, programs, s.checklists, s.tierChanges),
    ...domains.admin,
    ...creatives.admin,
    ...clientReferralActions({ pages, logger, host, agents, programs, assignments, orderOverrides: s.orderOverrides, reports, people: s.people }),
    ...signInAuditActions(pages, s.signIns, s.people),
    ...agentAdminActions(form, agents, programs),
    ...targetAdminActions(form, s.targets),
    ...commissionAdminActions(form, s.manualCommissions, s.forfeiture),
    ...assignmentAdminActions(form, assignments, s.reviews),
    ...serviceManagerAdminActions(form, s.serviceManagers, s.adminAssignments),
    ...withdrawalAdminActions(form, s.withdrawals),
    ...slugAdminActions(form, s.slugs),
    ...signUpSettingsActions(form, s.settings, s.selfReferral),
    ...linkHostsAdminActions(form, s.linkHosts),
    ...programAdminActions(form, programs),
    ...whatIfAdminActions({ pages, host, programs, whatIf: s.whatIf }),
    ...applicationAdminActions({ pages, logger, host, programs, applications: s.applications }),
    ...eventSourceAdminActions({ pages, logger, host, sources: s.eventSources }),
    ...apiKeyAdminActions({ pages, logger, host, keys: s.apiKeys }),
    ...webhookAdminActions({ pages, logger, endpoints: s.webhookEndpoints, deliveries: s.webhookDeliveries }),
    // Payout batches (issue 15): what is due, batches, their files, paid and failed lines.
    ...payoutBatchAdminActions({ pages, logger, programs, batches: s.payoutBatches }),
    ...tax.admin,
    ...withdrawalEndingAdminActions(form, s.withdrawalEnding),
  };
  pages.adminNav = (req) => adminNavHtml(req, pages.helpers(req).t, (name) => name in admin);
  // A picker typed in without its script still names a person: an exact e-mail (admin-area/people-controller).
  return { client, admin: withPersonLookup(admin, s.people) };
}
