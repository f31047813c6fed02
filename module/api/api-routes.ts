import { z } from 'zod';
import type { HostApi } from '../contract/host-api';
import { RuleError } from '../core/errors';
import { minor, toDecimalString } from '../money/amount';
import { isCurrency } from '../money/currencies';
import type { AgentService } from '../agents/agent-service';
import type { AssignmentService } from '../attribution/assignment-service';
import type { ProgramService } from '../programs/program-service';
import type { WithdrawalService } from '../withdrawals/withdrawal-service';
import type { ApiKey } from './api-key-service';
import { type ApiReads, toAgent, toCommission, toPayout, toReferral } from './api-reads';
import * as S from './api-schemas';
import { decodeCursor } from './cursor';
import type { ApiScope } from './scopes';

/**
 * What the API needs of commissions (their ManualCommissions.addManual, wired by the entry): declared
 * here because a capability reaches another's work only through its service or index.
 */
export interface ManualCommissionWriter {
  addManual(agentId: number, amountText: string, reason: string, key: string, clientId?: number): Promise<{ id: number }>;
}

export interface ApiRouteDeps {
  reads: ApiReads;
  agents: Pick<AgentService, 'activateForClient'>;
  assignments: Pick<AssignmentService, 'assignByAdmin'>;
  manualCommissions: ManualCommissionWriter;
  programs: Pick<ProgramService, 'get'>;
  withdrawals: Pick<WithdrawalService, 'markPaid'>;
  host: Pick<HostApi, 'getClient'>;
}

/** A refusal the router answers as a problem: 404 for what is not there, 409 for a state that forbids the write. */
export class ApiProblem extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiInput {
  params: { id: number };
  query: z.infer<typeof S.ListQuery>;
  body: unknown;
  key: ApiKey;
  /** The write's idempotency record: one per (API key, Idempotency-Key). */
  writeId: number;
}

export interface ApiRoute {
  method: 'get' | 'post';
  /** The path under /api/v1, in OpenAPI's form: /payouts/{id}/paid. */
  path: string;
  scope: ApiScope;
  summary: string;
  list?: boolean;
  body?: z.ZodType;
  status: 200 | 201;
  response: z.ZodType;
  run(input: ApiInput): Promise<unknown>;
}

/** The router has refused a cursor this API did not make, so an absent one is the first page. */
const pageRequest = (q: ApiInput['query']) => ({ after: q.cursor ? (decodeCursor(q.cursor) ?? 0) : 0, limit: q.limit ?? 25, agentId: q.agent_id });

/** Every route of the API, read by the router and by the OpenAPI document alike. */
export function apiRoutes(d: ApiRouteDeps): ApiRoute[] {
  const list = (path: string, scope: ApiScope, summary: string, item: z.ZodType, read: (p: ReturnType<typeof pageRequest>) => Promise<unknown>): ApiRoute => ({
    method: 'get',
    path,
    scope,
    summary,
    list: true,
    status: 200,
    response: S.pageOf(item),
    run: ({ query }) => read(pageRequest(query)),
  });
  const one = (path: string, scope: ApiScope, summary: string, item: z.ZodType, table: 'agents' | 'commissions' | 'withdrawals', map: (r: Record<string, unknown>) => unknown): ApiRoute => ({
    method: 'get',
    path,
    scope,
    summary,
    status: 200,
    response: item,
    run: async ({ params }) => {
      const row = await d.reads.one(table, params.id);
      if (!row) throw new ApiProblem(404, `There is no ${path.split('/')[1]?.replace(/s$/, '')} ${params.id}.`);
      return map(row);
    },
  });
  return [
    list('/agents', 'agents:read', 'List agents', S.Agent, d.reads.agents),
    one('/agents/{id}', 'agents:read', 'Get an agent', S.Agent, 'agents', toAgent),
    list('/referrals', 'referrals:read', 'List referrals (which agent earns on which client)', S.Referral, d.reads.referrals),
    list('/commissions', 'commissions:read', 'List commissions', S.Commission, d.reads.commissions),
    one('/commissions/{id}', 'commissions:read', 'Get a commission', S.Commission, 'commissions', toCommission),
    list('/payouts', 'payouts:read', 'List payouts (withdrawals)', S.Payout, d.reads.payouts),
    one('/payouts/{id}', 'payouts:read', 'Get a payout', S.Payout, 'withdrawals', toPayout),
    list('/links', 'links:read', "List agents' referral links", S.Link, d.reads.links),
    list('/programs', 'programs:read', 'List programs', S.Program, d.reads.programs),
    list('/clicks', 'clicks:read', 'List referral clicks', S.Click, d.reads.clicks),
    {
      method: 'post',
      path: '/agents',
      scope: 'agents:write',
      summary: 'Make a client an agent in a program',
      body: S.CreateAgent,
      status: 201,
      response: S.Agent,
      run: async ({ body }) => {
        const b = S.CreateAgent.parse(body);
        const agent = await d.agents.activateForClient(b.client_id, b.program_id);
        const row = await d.reads.one('agents', agent.id);
        if (!row) throw new Error(`agent ${agent.id}, just activated, cannot be read back`);
        return toAgent(row);
      },
    },
    {
      method: 'post',
      path: '/referrals',
      scope: 'referrals:write',
      summary: 'Assign a client to an agent',
      body: S.AssignClient,
      status: 201,
      response: S.Referral,
      run: async ({ body, key }) => {
        const b = S.AssignClient.parse(body);
        if (!(await d.host.getClient(b.client_id))) throw new ApiProblem(404, `There is no client ${b.client_id}.`);
        const r = await d.assignments.assignByAdmin(b.client_id, b.agent_id, `api:${key.name}`, b.reason, b.confirm_self_referral ?? false);
        return toReferral({ id: r.id, agent_id: r.agentId, client_id: r.clientId, program_id: r.programId, rule: r.rule, created_at: r.createdAt, ended_at: r.endedAt });
      },
    },
    {
      method: 'post',
      path: '/commissions',
      scope: 'commissions:write',
      summary: 'Add a manual commission',
      body: S.AddCommission,
      status: 201,
      response: S.Commission,
      run: async ({ body, writeId }) => {
        const b = S.AddCommission.parse(body);
        const agent = await d.reads.one('agents', b.agent_id);
        if (!agent) throw new ApiProblem(404, `There is no agent ${b.agent_id}.`);
        const program = await d.programs.get(toAgent(agent).program_id);
        if (!isCurrency(b.currency) || program?.currency !== b.currency)
          throw new RuleError(program ? 'api.error.program_currency' : 'api.error.program_currency_other', 'currency', program ? { currency: program.currency } : {});
        // The manual commission's own key is the request's record: a repeat that got past it still earns once.
        const c = await d.manualCommissions.addManual(b.agent_id, toDecimalString(minor(b.amount_minor), b.currency), b.reason, `api:${writeId}`, b.client_id ?? 0);
        const row = await d.reads.one('commissions', c.id);
        if (!row) throw new Error(`commission ${c.id}, just written, cannot be read back`);
        return toCommission(row);
      },
    },
    {
      method: 'post',
      path: '/payouts/{id}/paid',
      scope: 'payouts:write',
      summary: 'Mark a requested payout paid',
      status: 200,
      response: S.Payout,
      run: async ({ params, key }) => {
        const found = await d.reads.one('withdrawals', params.id);
        if (!found) throw new ApiProblem(404, `There is no payout ${params.id}.`);
        if (toPayout(found).status !== 'requested') throw new ApiProblem(409, `Payout ${params.id} is ${toPayout(found).status}, not requested.`);
        try {
          await d.withdrawals.markPaid(params.id, key.createdBy);
        } catch (e) {
          // Paid by someone else between the read and the lock.
          if (e instanceof RuleError) throw new ApiProblem(409, e.message);
          throw e;
        }
        const row = await d.reads.one('withdrawals', params.id);
        if (!row) throw new Error(`payout ${params.id} cannot be read back`);
        return toPayout(row);
      },
    },
  ];
}
