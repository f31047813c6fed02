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
import { tierAdminActions } from '../tiers';
import { applicationActions } from '../applications/application-controller';
import { applicationAdminActions } from '../applications/application-admin-controller';
import { eventSourceAdminActions } from '../events-in/event-source-admin-controller';
import { apiKeyAdminActions } from '../api/api-key-admin-controller';
import { webhookAdminActions } from '../webhooks-out';
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
      ...dashboardActions({
        pages,
        host,
        agents,
        programs,
        commissions: s.commissions,
        assignments,
        withdrawals: s.withdrawals,
        slugs: s.slugs,
        reports,
        probation: s.probation,
        tierView: s.tierView,
      }),
    },
  );
  const client: Actions<HostUser> = {
    // A client's side of a service manager, and the sign-in's own forms: not agent pages.
    ...serviceManagerActions({ pages, logger, host, agents, serviceManagers: s.serviceManagers, signIns: s.signIns, offerRateLimit: s.offerRateLimit }),
    ...agentContactActions({ pages, agents, contacts: s.agentContacts }),
    ...signInActions({ http: host.http, signIns: s.signIns, logger }),
    ...applicationActions({ pages, applications: s.applications }),
    ...agentPages,
  };

  const home = adminPages({
    ...{ pages, logger, host, agents, programs, ledger: s.ledger, verifyLedger: () => verifyLedger(db), commissions: s.commissions, assignments },
    ...{ unassignedClients: () => s.adminAssignments.unassignedClients(), withdrawals: s.withdrawals, reviews: s.reviews, slugs: s.slugs },
    ...{ selfReferral: s.selfReferral, linkHosts: s.linkHosts, reports, applications: s.applications, tierView: s.tierView },
  });
  const { form } = home;
  const admin: Actions<HostAdmin> = {
    ...home.actions,
    ...tierAdminActions(form, agents, programs, s.checklists, s.tierChanges),
    ...domains.admin,
    ...creatives.admin,
    ...clientReferralActions({ pages, logger, host, agents, programs, assignments, orderOverrides: s.orderOverrides, reports }),
    ...signInAuditActions(pages, s.signIns),
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
  };
  return { client, admin };
}
