import type { Knex } from 'knex';
import type { HostApi } from '../contract/host-api';
import type { Ledger } from '../ledger/ledger';
import type { Program } from '../programs/program-service';
import type { ServiceManagerService } from '../service-managers/service-manager-service';
import { agentSummary, type AgentSummary } from './agent-summary';
import { managedClients, type ManagedClient } from './managed-clients';
import { recentClicks, type ClickRow } from './recent-clicks';
import { referralDetails, type ReferralDetails } from './referral-details';
import { sourceStats, type SourceStats } from './source-stats';
import { sourceNames } from './source-names';
import { nextRelease } from './next-release';
import { agentReferrals, ownReferral, type OwnReferral, type ReferralPage, type ReferralQuery } from './agent-referrals';

/** The read-only figures the agent's and the admin's pages show; each query in its own file. */
export class ReportService {
  constructor(
    private readonly db: Knex,
    private readonly ledger: Ledger,
    private readonly host: Pick<HostApi, 'getClient' | 'clientAccount' | 'searchClients'>,
    private readonly serviceManagers: Pick<ServiceManagerService, 'clientsOf'>,
  ) {}

  agentSummary(agentId: number, program: Program): Promise<AgentSummary> {
    return agentSummary(this.db, this.ledger, agentId, program);
  }

  sources(agentId: number): Promise<SourceStats[]> {
    return sourceStats(this.db, agentId);
  }

  /** The names only, busiest first, from the roll-ups (a filter's choices): cheap at any history. */
  sourceNames(agentId: number): Promise<{ source: string }[]> {
    return sourceNames(this.db, agentId);
  }

  /** When the agent's next held commissions become available, and how much. */
  nextRelease(agentId: number, currency: string): Promise<{ at: number; amount: number } | null> {
    return nextRelease(this.db, agentId, currency);
  }

  /** The agent's referrals with their earnings: searched, sorted, filtered, paged. */
  referrals(agentId: number, currency: string, q: ReferralQuery): Promise<ReferralPage> {
    return agentReferrals(this.db, this.host, agentId, currency, q);
  }

  /** The agent's own referral of a client; null when the client is not theirs. */
  ownReferral(agentId: number, clientId: number): Promise<OwnReferral | null> {
    return ownReferral(this.db, this.host, agentId, clientId);
  }

  managedClients(agentId: number): Promise<ManagedClient[]> {
    return managedClients(this.db, this.host, this.serviceManagers, agentId);
  }

  recentClicks(agentId: number, limit?: number): Promise<ClickRow[]> {
    return recentClicks(this.db, agentId, limit);
  }

  referralDetails(clientId: number): Promise<ReferralDetails> {
    return referralDetails(this.db, clientId);
  }
}
