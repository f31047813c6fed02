import { expect } from 'chai';
import express, { type Express, type Router } from 'express';
import request from 'supertest';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { onEachDatabase } from './support/databases';
import { MemoryHost } from './support/memory-host';
import { createAgentTools, type AgentTools } from '../module/agenttools';
import { ManualClock } from '../module/core/clock';
import { MemoryLogger } from '../module/core/logger';
import { API_BASE, OPENAPI_PATH } from '../module/api/api-router';
import { API_SCOPES } from '../module/api/scopes';

interface Operation {
  operationId: string;
  parameters: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content: Record<string, { schema: object }> }>;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: { Problem: object } } };

/** The router's own routes, read from express's stack: what the API really answers, whatever the document says. */
function servedRoutes(router: Router): string[] {
  const out: string[] = [];
  for (const layer of router.stack) {
    const route = layer.route;
    // The document itself is not one of the operations it describes.
    if (!route || typeof route.path !== 'string' || !route.path.startsWith(API_BASE) || route.path === OPENAPI_PATH) continue;
    const methods = Object.entries((route as unknown as { methods: Record<string, boolean> }).methods).filter(([m, on]) => on && m !== '_all');
    for (const [m] of methods) out.push(`${m} ${route.path.slice(API_BASE.length).replace(/:(\w+)/g, '{$1}')}`);
  }
  return out;
}

/**
 * Every route of the REST API against its OpenAPI 3.1 document: each route the router serves is in
 * the document, each documented operation answers its documented status, and each answer — and
 * each refusal, as a problem — is valid against the documented schema (ajv, JSON Schema 2020-12).
 */
onEachDatabase('the REST API against its OpenAPI document', ({ current }) => {
  const host = new MemoryHost();
  const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  let node: AgentTools;
  let router: Router;
  let app: Express;
  let doc: Document;
  let key: string;
  const ids: Record<string, number> = {};
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);

  /** A request body for each documented write; a new write without one here fails the suite. */
  const bodies: Record<string, () => unknown> = {
    'post /agents': () => ({ client_id: 5, program_id: ids.program }),
    'post /referrals': () => ({ client_id: 6, agent_id: ids.agent, reason: 'openapi' }),
    'post /commissions': () => ({ agent_id: ids.agent, amount_minor: 250, currency: 'USD', reason: 'openapi' }),
    'post /payouts/{id}/paid': () => ({}),
  };
  const idFor: Record<string, () => number> = {
    '/agents/{id}': () => ids.agent!,
    '/commissions/{id}': () => ids.commission!,
    '/payouts/{id}': () => ids.payout!,
    '/payouts/{id}/paid': () => ids.payout!,
  };
  const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
  const call = (method: string, path: string, withKey: boolean, n: number) => {
    const url = API_BASE + path.replace('{id}', String(idFor[path]?.() ?? 1));
    const r = method === 'post' ? request(app).post(url).set('Idempotency-Key', `openapi-${n}`).set('Content-Type', 'application/json') : request(app).get(url);
    const withAuth = withKey ? r.set('Authorization', `Bearer ${key}`) : r;
    return method === 'post' ? withAuth.send(JSON.stringify(bodies[`${method} ${path}`]?.() ?? {})) : withAuth;
  };
  /** A schema of the document, compiled with the document's components beside it, where its $refs point. */
  const compile = (schema: object) => ajv.compile({ ...schema, components: doc.components });
  const expectValid = (schema: object, body: unknown, what: string) => {
    const validate = compile(schema);
    expect(validate(body), `${what}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`).to.equal(true);
  };

  before(async function () {
    this.timeout(120_000);
    node = createAgentTools({ db: current().db, host, clock, logger: new MemoryLogger(), secret: 's', settings: { hold_days: '0' } });
    await node.activate();
    router = node.api();
    app = express().use(router);
    for (let id = 1; id <= 6; id++) host.addClient(id);
    const s = node.services;
    const program = (await s.programs.bySlug('default'))!;
    const agent = await s.agents.activateForClient(1, program.id);
    await s.assignments.assign(2, agent.id, 'admin', 'test');
    const commission = await s.manualCommissions.addManual(agent.id, '100.00', 'seed', 'seed');
    await s.releases.releaseDue();
    const payout = await s.withdrawals.request(agent, program, '60.00');
    Object.assign(ids, { program: program.id, agent: agent.id, commission: commission.id, payout: payout.id });
    key = (await s.apiKeys.create('openapi', [...API_SCOPES], null, 1)).secret;
    const res = await request(app).get(OPENAPI_PATH);
    expect(res.status).to.equal(200);
    doc = res.body as Document;
  });
  after(() => node.stop());

  it('is an OpenAPI 3.1 document whose schemas compile as JSON Schema 2020-12', () => {
    expect(doc.openapi).to.equal('3.1.0');
    for (const { path, method, op } of operations()) {
      for (const [status, r] of Object.entries(op.responses)) for (const media of Object.values(r.content)) expect(() => compile(media.schema), `${method} ${path} ${status}`).to.not.throw();
    }
  });

  it('documents every route the router serves, and serves every documented one', () => {
    const served = servedRoutes(router).sort();
    const documented = operations()
      .map(({ path, method }) => `${method} ${path}`)
      .sort();
    expect(served).to.deep.equal(documented);
    // 10 reads and 4 writes.
    expect(documented).to.have.length(14);
  });

  it('answers each documented operation with its documented status and a body valid against its schema', async function () {
    this.timeout(60_000);
    let n = 0;
    // Reads first, then writes (marking the payout paid last), so that each finds what it reads.
    const ordered = operations().sort((a, b) => (a.method === b.method ? 0 : a.method === 'get' ? -1 : 1));
    for (const { path, method, op } of ordered) {
      const [status, response] = Object.entries(op.responses).find(([s]) => s.startsWith('2'))!;
      if (method === 'post') expect(bodies[`${method} ${path}`], `no example body for ${method} ${path}`).to.be.a('function');
      const res = await call(method, path, true, n++);
      expect(res.status, `${method} ${path}: ${res.text}`).to.equal(Number(status));
      expect(res.type).to.equal('application/json');
      expectValid(response.content['application/json']!.schema, res.body, `${method} ${path}`);
    }
  });

  it('answers each documented operation without a key with a 401 problem valid against the documented Problem', async () => {
    let n = 100;
    for (const { path, method, op } of operations()) {
      const res = await call(method, path, false, n++);
      expect(res.status, `${method} ${path}`).to.equal(401);
      expect(op.responses['401']!.content['application/problem+json']).to.not.equal(undefined);
      expectValid(doc.components.schemas.Problem, res.body, `${method} ${path} 401`);
    }
  });

  it('answers a bad input as a 400 problem with its fields, valid against the documented Problem', async () => {
    const res = await request(app).get(`${API_BASE}/commissions?limit=0`).set('Authorization', `Bearer ${key}`);
    expect(res.status).to.equal(400);
    expectValid(doc.components.schemas.Problem, res.body, '400');
    expect(res.body.errors[0].field).to.equal('limit');
  });
});
