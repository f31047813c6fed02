import { expect } from 'chai';
import express, { type Express } from 'express';
import request from 'supertest';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { csrfFrom, session, startHost, type Fixture } from './support/host-fixture';
import { MemoryHost } from './support/memory-host';
import { connect } from '../module/db/connection';
import { createAgentTools, type AgentTools } from '../module/agenttools';
import { ManualClock } from '../module/core/clock';
import { MemoryLogger } from '../module/core/logger';
import { T } from '../module/db/tables';
import { API_BASE } from '../module/api/api-router';
import type { ApiScope } from '../module/api/scopes';
import { requestHash } from '../module/api/idempotency-store';

/**
 * The REST API on two app nodes (two module instances, each with its own pool on one database).
 * The default program pays in USD (exponent 2) with no hold here, so a manual commission of
 * 123.45 is 12,345 minor units, available at once, and a payout of 60.00 is 6,000.
 */
onEachDatabase('the REST API', ({ current }) => {
  const host = new MemoryHost();
  const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  let secondPool: Knex;
  let nodes: AgentTools[];
  let apps: Express[];
  let limitedApp: Express;
  let full: string;
  let agentId: number;
  let programId: number;

  const db = () => current().db;
  const count = async (table: string, where: Record<string, unknown> = {}) => Number((await db()(table).where(where).count({ n: '*' }).first())?.n);
  const get = (path: string, key = full, app = apps[0]!) =>
    request(app)
      .get(API_BASE + path)
      .set('Authorization', `Bearer ${key}`);
  const post = (path: string, body: unknown, idem: string | null, app = apps[0]!, key = full) => {
    const r = request(app)
      .post(API_BASE + path)
      .set('Authorization', `Bearer ${key}`)
      .set('Content-Type', 'application/json');
    return (idem === null ? r : r.set('Idempotency-Key', idem)).send(JSON.stringify(body));
  };
  const keyWith = async (scopes: ApiScope[], expiresAt: number | null = null) => (await nodes[0]!.services.apiKeys.create('test', scopes, expiresAt, 1)).secret;
  const expectProblem = (res: request.Response, status: number, type: string) => {
    expect(res.status, res.text).to.equal(status);
    expect(res.type).to.equal('application/problem+json');
    expect(res.body).to.include({ status });
    expect(String(res.body.type)).to.match(new RegExp(`:${type}$`));
  };

  before(async function () {
    this.timeout(120_000);
    secondPool = current().kind === 'mariadb' ? connect(current().url) : current().db;
    const make = (pool: Knex, points = 1000) =>
      createAgentTools({ db: pool, host, clock, logger: new MemoryLogger(), secret: 's', settings: { hold_days: '0' }, apiLimits: { points, durationSeconds: 3600 } });
    nodes = [make(current().db), make(secondPool), make(current().db, 3)];
    await nodes[0]!.activate();
    await Promise.all(nodes.slice(1).map((n) => n.activate()));
    apps = nodes.slice(0, 2).map((n) => express().use(n.api()));
    limitedApp = express().use(nodes[2]!.api());
    for (let id = 1; id <= 30; id++) host.addClient(id);
    programId = (await nodes[0]!.services.programs.bySlug('default'))!.id;
    agentId = (await nodes[0]!.services.agents.activateForClient(1, programId)).id;
    full = await keyWith([
      'agents:read',
      'agents:write',
      'commissions:read',
      'commissions:write',
      'payouts:read',
      'payouts:write',
      'referrals:read',
      'referrals:write',
      'links:read',
      'programs:read',
      'clicks:read',
    ]);
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    if (secondPool !== current().db) await secondPool.destroy();
  });

  describe('keys and scopes', () => {
    it('refuses a request without a key, or with an unknown one, as a 401 problem that asks for a bearer key', async () => {
      const none = await request(apps[0]!).get(`${API_BASE}/agents`);
      expectProblem(none, 401, 'unauthorized');
      expect(none.headers['www-authenticate']).to.equal('Bearer');
      expectProblem(await get('/agents', 'atk_not-a-key'), 401, 'unauthorized');
    });

    it('keeps only the hash of a key: its secret is nowhere in the table', async () => {
      const rows = await db()(T.apiKeys).select('key_hash', 'prefix');
      expect(rows.map((r) => String(r.key_hash))).to.not.include(full);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(String(r.key_hash)))).to.equal(true);
    });

    it('answers 403 for a route outside the key’s scopes and 200 inside them', async () => {
      const programsOnly = await keyWith(['programs:read']);
      expect((await get('/programs', programsOnly)).status).to.equal(200);
      const refused = await get('/agents', programsOnly);
      expectProblem(refused, 403, 'missing-scope');
      expect(refused.body.title).to.contain('agents:read');
      expectProblem(await post('/agents', { client_id: 20, program_id: programId }, 'scope-1', apps[0], programsOnly), 403, 'missing-scope');
      expect(await count(T.agents, { client_id: 20 })).to.equal(0);
    });

    it('a key works until its expiry and is refused from that instant', async () => {
      const key = await keyWith(['agents:read'], clock.now() + 3_600_000);
      expect((await get('/agents', key)).status).to.equal(200);
      clock.set(clock.now() + 3_600_000);
      const expired = await get('/agents', key);
      expectProblem(expired, 401, 'unauthorized');
      expect(expired.body.title).to.contain('expired');
    });

    it('a revoked key is refused at once, on every node', async () => {
      const key = await keyWith(['agents:read']);
      expect((await get('/agents', key)).status).to.equal(200);
      const [row] = await db()(T.apiKeys).orderBy('id', 'desc').limit(1);
      await nodes[1]!.services.apiKeys.revoke(Number(row.id));
      for (const app of apps) expectProblem(await get('/agents', key, app), 401, 'unauthorized');
    });

    it('rate-limits per key: the fourth request of a key allowed three is a 429 with Retry-After; another key is not affected', async () => {
      const [a, b] = [await keyWith(['programs:read']), await keyWith(['programs:read'])];
      for (let i = 0; i < 3; i++) expect((await get('/programs', a, limitedApp)).status).to.equal(200);
      const limited = await get('/programs', a, limitedApp);
      expectProblem(limited, 429, 'rate-limited');
      expect(Number(limited.headers['retry-after'])).to.be.within(1, 3600);
      expect((await get('/programs', b, limitedApp)).status).to.equal(200);
    });
  });

  describe('reads', () => {
    it('pages through every agent with a cursor: 3 a page, no duplicates and no gaps', async () => {
      for (let id = 2; id <= 8; id++) await nodes[0]!.services.agents.activateForClient(id, programId);
      const all = (await db()(T.agents).orderBy('id').select('id')).map((r) => Number(r.id));
      expect(all).to.have.length(8);
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(`/agents?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status, res.text).to.equal(200);
        expect(res.body.data.length).to.be.at.most(3);
        seen.push(...(res.body as { data: { id: number }[] }).data.map((a) => a.id));
        cursor = res.body.next_cursor;
        pages++;
      } while (cursor);
      // 8 agents at 3 a page: 3 + 3 + 2.
      expect(pages).to.equal(3);
      expect(seen).to.deep.equal(all);
    });

    it('refuses a limit over 100 and a cursor it did not make with 400 and the field', async () => {
      const big = await get('/agents?limit=101');
      expectProblem(big, 400, 'invalid-request');
      expect(big.body.errors).to.deep.include({ field: 'limit', message: big.body.errors[0].message });
      const forged = await get('/agents?cursor=not-ours');
      expectProblem(forged, 400, 'invalid-request');
      expect(forged.body.errors[0].field).to.equal('cursor');
    });

    it('answers 404 for an object that does not exist and for an unknown route', async () => {
      expectProblem(await get('/agents/999999'), 404, 'not-found');
      expectProblem(await get('/payouts/999999'), 404, 'not-found');
      expectProblem(await get('/nothing-here'), 404, 'not-found');
    });

    it('filters by agent and shows each agent’s links', async () => {
      const links = await get(`/links?agent_id=${agentId}`);
      expect(links.status).to.equal(200);
      expect(links.body.data).to.have.length(1);
      expect(links.body.data[0].agent_id).to.equal(agentId);
      expect(links.body.data[0].referral_link).to.match(new RegExp(`/aff\\.php\\?aff=${agentId}$`));
    });
  });

  describe('writes', () => {
    it('creates an agent once for one Idempotency-Key, the same answer again; another body with that key is a 422', async () => {
      const first = await post('/agents', { client_id: 21, program_id: programId }, 'agent-21');
      expect(first.status, first.text).to.equal(201);
      expect(first.body).to.include({ client_id: 21, program_id: programId, status: 'active' });
      const again = await post('/agents', { client_id: 21, program_id: programId }, 'agent-21', apps[1]);
      expect(again.status).to.equal(201);
      expect(again.body).to.deep.equal(first.body);
      expect(again.headers['idempotent-replayed']).to.equal('true');
      expectProblem(await post('/agents', { client_id: 22, program_id: programId }, 'agent-21'), 422, 'idempotency-key-reused');
      expect(await count(T.agents, { client_id: 22 })).to.equal(0);
      expect(await count(T.agents, { client_id: 21 })).to.equal(1);
    });

    it('refuses a write without an Idempotency-Key, and a body with bad fields, with 400 and each field; nothing changes', async () => {
      expectProblem(await post('/agents', { client_id: 23, program_id: programId }, null), 400, 'invalid-request');
      const bad = await post('/agents', { client_id: 'x', program_id: programId }, 'agent-bad');
      expectProblem(bad, 400, 'invalid-request');
      expect((bad.body as { errors: { field: string }[] }).errors.map((e) => e.field)).to.deep.equal(['client_id']);
      expect(await count(T.agents, { client_id: 23 })).to.equal(0);
      expect(await count(T.apiIdempotency, { idem_key: 'agent-bad' })).to.equal(0);
    });

    it('adds a manual commission as integer minor units and currency: 12,345 USD is 123.45', async () => {
      const res = await post('/commissions', { agent_id: agentId, amount_minor: 12_345, currency: 'USD', reason: 'launch bonus' }, 'bonus-1');
      expect(res.status, res.text).to.equal(201);
      expect(res.body.amount).to.deep.equal({ amount_minor: 12_345, currency: 'USD' });
      expect(res.body.adjusted).to.deep.equal({ amount_minor: 0, currency: 'USD' });
      const row = await db()(T.commissions).where({ id: res.body.id }).first();
      expect(Number(row.amount_minor)).to.equal(12_345);
      const read = await get(`/commissions/${res.body.id}`);
      expect(read.body).to.deep.equal(res.body);
    });

    it('refuses a commission in a currency the program does not pay with 422 on the currency field', async () => {
      const res = await post('/commissions', { agent_id: agentId, amount_minor: 100, currency: 'EUR', reason: 'wrong' }, 'bonus-eur');
      expectProblem(res, 422, 'rejected');
      expect(res.body.errors[0].field).to.equal('currency');
    });

    it('the same write sent to two nodes at once with one key is done once', async function () {
      this.timeout(30_000);
      const before = await count(T.commissions, { agent_id: agentId });
      const body = { agent_id: agentId, amount_minor: 5_000, currency: 'USD', reason: 'race' };
      const answers = await Promise.all([post('/commissions', body, 'race-1', apps[0]), post('/commissions', body, 'race-1', apps[1])]);
      const statuses = answers.map((a) => a.status).sort();
      // One does the write; the other finds it done (201, the same answer) or still at work (409).
      expect(statuses[0], answers.map((a) => a.text).join('\n')).to.equal(201);
      expect([201, 409]).to.include(statuses[1]);
      expect(await count(T.commissions, { agent_id: agentId })).to.equal(before + 1);
      const retry = await post('/commissions', body, 'race-1', apps[1]);
      expect(retry.status).to.equal(201);
      expect(retry.body).to.deep.equal(answers.find((a) => a.status === 201)!.body);
    });

    it('answers 409 with Retry-After while the same Idempotency-Key is at work elsewhere, and nothing is done twice', async () => {
      const body = JSON.stringify({ client_id: 25, program_id: programId });
      const [row] = await db()(T.apiKeys).orderBy('id').limit(1);
      // Another node's claim, taken and not yet finished.
      const held = await nodes[1]!.services.apiIdempotency.claim(Number(row.id), 'held-1', requestHash('POST', `${API_BASE}/agents`, body));
      expect(held.kind).to.equal('claimed');
      const busy = await post('/agents', { client_id: 25, program_id: programId }, 'held-1');
      expectProblem(busy, 409, 'in-progress');
      expect(busy.headers['retry-after']).to.equal('1');
      expect(await count(T.agents, { client_id: 25 })).to.equal(0);
    });

    it('assigns a client to an agent, and answers 404 for a client the host does not have', async () => {
      const res = await post('/referrals', { client_id: 24, agent_id: agentId, reason: 'from the CRM' }, 'assign-24');
      expect(res.status, res.text).to.equal(201);
      expect(res.body).to.include({ client_id: 24, agent_id: agentId });
      expect(res.body.ended_at).to.equal(null);
      expectProblem(await post('/referrals', { client_id: 9_999, agent_id: agentId, reason: 'x' }, 'assign-none'), 404, 'not-found');
      const listed = await get(`/referrals?agent_id=${agentId}`);
      expect((listed.body as { data: { client_id: number }[] }).data.map((r) => r.client_id)).to.include(24);
    });

    it('marks a requested payout paid: 6,000 USD; paid again under a new key it is a 409, under the same key the same answer', async () => {
      await nodes[0]!.services.releases.releaseDue();
      const agent = (await nodes[0]!.services.agents.get(agentId))!;
      const program = (await nodes[0]!.services.programs.get(programId))!;
      const w = await nodes[0]!.services.withdrawals.request(agent, program, '60.00');
      const paid = await post(`/payouts/${w.id}/paid`, {}, 'pay-1');
      expect(paid.status, paid.text).to.equal(200);
      expect(paid.body).to.include({ id: w.id, status: 'paid' });
      expect(paid.body.amount).to.deep.equal({ amount_minor: 6_000, currency: 'USD' });
      expectProblem(await post(`/payouts/${w.id}/paid`, {}, 'pay-2'), 409, 'conflict');
      const same = await post(`/payouts/${w.id}/paid`, {}, 'pay-1', apps[1]);
      expect(same.status).to.equal(200);
      expect(same.body).to.deep.equal(paid.body);
      expect(await count(T.txns, { kind: 'pay' })).to.equal(1);
    });
  });
});

const KEYS_PAGE = '/admin/addonmodules.php?module=agenttools&action=apiKeys';
const CREATE_KEY = '/admin/addonmodules.php?module=agenttools&action=createApiKey';
const REVOKE_KEY = '/admin/addonmodules.php?module=agenttools&action=revokeApiKey';

/** API keys made on the admin's page of the reference host: shown once, with the scopes ticked, then revoked. */
onEachDatabase('API keys, by the admin', ({ current }) => {
  let f: Fixture;
  before(async function () {
    this.timeout(60_000);
    f = await startHost(current().db);
  });
  after(() => f.host.stop());

  it('shows a new key once with its scopes; the host’s API takes it within them until it is revoked', async () => {
    const admin = await session(f.host, { admin: true });
    const form = async (body: Record<string, string | string[]>) => {
      const page = await admin.agent.get(KEYS_PAGE);
      const fields = new URLSearchParams({ _csrf: csrfFrom(page.text) });
      for (const [k, v] of Object.entries(body)) for (const one of [v].flat()) fields.append(k, one);
      return admin.agent.post(CREATE_KEY).type('form').send(fields.toString());
    };
    const made = await form({ name: 'crm', scopes: ['agents:read', 'programs:read'], expires: '' });
    expect(made.status, made.text).to.equal(200);
    expect(made.headers['cache-control']).to.equal('no-store');
    const secret = /id="secret" readonly size="60" value="(atk_[A-Za-z0-9_-]+)"/.exec(made.text)?.[1];
    expect(secret).to.be.a('string');
    const stored = await current().db(T.apiKeys).where({ name: 'crm' }).first();
    expect(String(stored.scopes)).to.equal('agents:read programs:read');
    const page = await admin.agent.get(KEYS_PAGE);
    expect(page.text).to.include('crm');
    expect(page.text).to.not.include(secret!);

    const api = (path: string) =>
      request(f.host.app)
        .get(API_BASE + path)
        .set('Authorization', `Bearer ${secret!}`);
    expect((await api('/agents')).status).to.equal(200);
    expect((await api('/clicks')).status).to.equal(403);
    const revoked = await admin.agent
      .post(REVOKE_KEY)
      .type('form')
      .send({ id: String(stored.id), _csrf: csrfFrom(page.text) });
    expect(revoked.status).to.equal(303);
    expect((await api('/agents')).status).to.equal(401);
  });

  it('refuses a key without a scope, or with an expiry in the past, beside the field, and makes nothing', async () => {
    const admin = await session(f.host, { admin: true });
    const before = await current().db(T.apiKeys).count({ n: '*' }).first();
    const none = await admin.post(KEYS_PAGE, CREATE_KEY, { name: 'no scopes' });
    expect(none.status).to.equal(422);
    expect(none.text).to.include('tick at least one scope');
    const past = await admin.post(KEYS_PAGE, CREATE_KEY, { name: 'old', scopes: 'agents:read', expires: '2001-01-01' });
    expect(past.status).to.equal(422);
    expect(past.text).to.include('the expiry must be in the future');
    expect(past.text).to.not.include('data-testid="api-key-secret"');
    expect(await current().db(T.apiKeys).count({ n: '*' }).first()).to.deep.equal(before);
  });
});
