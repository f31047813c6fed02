import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, startHost } from './support/host-fixture';
import { ACTORS, type Actor, agentWorld, type World } from './support/agent-world';
import { T } from '../module/db/tables';

type Row = [method: 'GET' | 'POST', path: string, expected: Record<Actor, number>];

/** Support tickets: the client's own, an agent signed in as them with `tickets`, the admin's answers. */
onEachDatabase('support tickets', ({ current }) => {
  let f: Fixture;
  let w: World;
  let ticketId: number;

  const replies = async (id: number) => (await f.host.db('host_ticket_replies').where({ ticket_id: id }).orderBy('id')).map((r) => `${r.author}: ${r.author_name}: ${r.message}`);

  before(async () => {
    f = await startHost(current().db);
    w = await agentWorld(f, 'tickets');
  });
  after(() => f.host.stop());

  it('a client opens a ticket with a subject and a message, and replies to it', async () => {
    const open = await w.call('client', 'POST', '/tickets', { subject: 'Server is slow', message: 'Since this morning.' });
    expect(open.status).to.equal(303);
    ticketId = Number(/\/tickets\/(\d+)$/.exec(String(open.headers.location))![1]);
    const reply = await w.call('client', 'POST', `/tickets/${ticketId}/reply`, { message: 'Still slow.' });
    expect(reply.status).to.equal(303);
    expect(await replies(ticketId)).to.deep.equal(['client: Visitor Person: Since this morning.', 'client: Visitor Person: Still slow.']);
    const page = (await w.sessions.client.agent.get(`/tickets/${ticketId}`)).text;
    expect(page).to.contain('Server is slow').and.to.contain('Still slow.');
    expect((await w.sessions.client.agent.get('/tickets')).text).to.match(/data-testid="tickets"[\s\S]*Server is slow[\s\S]*Customer-Reply/);
  });

  it('an empty subject or message is refused beside the field, and nothing is stored', async () => {
    const before = await f.host.db('host_tickets').count({ n: '*' }).first();
    const res = await w.call('client', 'POST', '/tickets', { subject: ' ', message: '' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Enter a subject').and.to.contain('Write a message');
    expect(await f.host.db('host_tickets').count({ n: '*' }).first()).to.deep.equal(before);
    const reply = await w.call('client', 'POST', `/tickets/${ticketId}/reply`, { message: '   ' });
    expect([reply.status, reply.text.includes('Write a message')]).to.deep.equal([422, true]);
    expect(await replies(ticketId)).to.have.length(2);
  });

  it('the admin sees the ticket in the admin area and replies as staff; the client reads the answer', async () => {
    const list = (await w.sessions.admin.agent.get('/admin/tickets')).text;
    expect(list).to.match(/data-testid="admin-tickets"[\s\S]*Visitor Person[\s\S]*Server is slow/);
    const res = await w.call('admin', 'POST', `/admin/tickets/${ticketId}/reply`, { message: 'We moved your server.' });
    expect(res.status).to.equal(303);
    expect((await f.host.db('host_tickets').where({ id: ticketId }).first()).status).to.equal('Answered');
    expect((await w.sessions.client.agent.get(`/tickets/${ticketId}`)).text)
      .to.contain('We moved your server.')
      .and.to.contain('(staff)');
  });

  it('the agent signed in as the client with `tickets` opens and replies; the admin sees who wrote, and each POST is in the audit log', async () => {
    const open = await w.call('agent as client', 'POST', '/tickets', { subject: 'Upgrade for my client', message: 'Please add RAM.' });
    expect(open.status).to.equal(303);
    const id = Number(/\/tickets\/(\d+)$/.exec(String(open.headers.location))![1]);
    expect((await f.host.db('host_tickets').where({ id }).first()).client_id).to.equal(w.clientId);
    expect((await w.call('agent as client', 'POST', `/tickets/${id}/reply`, { message: '16 GB please.' })).status).to.equal(303);
    expect(await replies(id)).to.deep.equal(['client: Ann Agent (service manager) for Visitor Person: Please add RAM.', 'client: Ann Agent (service manager) for Visitor Person: 16 GB please.']);
    const audit = (await current().db(T.signInAudit).where({ client_id: w.clientId }).orderBy('id')).map((a) => `${a.action}: ${a.detail}`);
    expect(audit).to.include.members(['POST /tickets: answered 303', `POST /tickets/${id}/reply: answered 303`]);
  });

  it("authorization: every ticket route × anonymous, the client, the client's agent (with and without `tickets`), another agent, the admin", async () => {
    const t = ticketId;
    const client = { anonymous: 302, client: 200, 'agent as client': 200, 'agent as client without permission': 403, 'another agent': 200, admin: 302 };
    const table: Row[] = [
      ['GET', '/tickets', client],
      ['GET', '/tickets/new', client],
      ['POST', '/tickets', { ...client, client: 303, 'agent as client': 303, 'another agent': 303 }],
      ['GET', `/tickets/${t}`, { ...client, 'another agent': 404 }],
      ['POST', `/tickets/${t}/reply`, { ...client, client: 303, 'agent as client': 303, 'another agent': 404 }],
      ['GET', '/admin/tickets', { anonymous: 302, client: 302, 'agent as client': 302, 'agent as client without permission': 302, 'another agent': 302, admin: 200 }],
      ['GET', `/admin/tickets/${t}`, { anonymous: 302, client: 302, 'agent as client': 302, 'agent as client without permission': 302, 'another agent': 302, admin: 200 }],
      ['POST', `/admin/tickets/${t}/reply`, { anonymous: 302, client: 302, 'agent as client': 302, 'agent as client without permission': 302, 'another agent': 302, admin: 303 }],
    ];
    const got: string[] = [];
    const want: string[] = [];
    for (const [method, path, expected] of table) {
      for (const actor of ACTORS) {
        const res = await w.call(actor, method, path, { subject: 'Matrix', message: `${actor} was here` });
        got.push(`${method} ${path} as ${actor}: ${res.status}`);
        want.push(`${method} ${path} as ${actor}: ${expected[actor]}`);
      }
    }
    expect(got).to.deep.equal(want);
    const written = (await replies(t)).filter((r) => r.includes('was here'));
    expect(written).to.deep.equal(['client: Visitor Person: client was here', 'client: Ann Agent (service manager) for Visitor Person: agent as client was here', 'admin: admin: admin was here']);
    const refused = await current().db(T.signInAudit).where({ action: 'refused' }).where('detail', 'like', '%needs tickets');
    expect(refused).to.have.length(5);
  });

  it('a POST without the form token is refused and stores nothing', async () => {
    const before = await replies(ticketId);
    const tickets = await f.host.db('host_tickets').count({ n: '*' }).first();
    expect((await w.sessions.client.agent.post('/tickets').type('form').send({ subject: 'No token', message: 'x' })).status).to.equal(403);
    expect((await w.sessions.client.agent.post(`/tickets/${ticketId}/reply`).type('form').send({ message: 'x', _csrf: 'forged' })).status).to.equal(403);
    expect((await w.sessions.admin.agent.post(`/admin/tickets/${ticketId}/reply`).type('form').send({ message: 'x' })).status).to.equal(403);
    expect(await replies(ticketId)).to.deep.equal(before);
    expect(await f.host.db('host_tickets').count({ n: '*' }).first()).to.deep.equal(tickets);
  });

  it("another client who puts this ticket's id in the URL gets 404, and nothing changes; a GET to reply is not a reply", async () => {
    const before = await replies(ticketId);
    expect((await w.other.agent.get(`/tickets/${ticketId}`)).status).to.equal(404);
    const token = (await w.other.agent.get('/')).text;
    const res = await w.other.agent
      .post(`/tickets/${ticketId}/reply`)
      .type('form')
      .send({ message: 'not mine', _csrf: /name="_csrf" value="([^"]+)"/.exec(token)![1] });
    expect(res.status).to.equal(404);
    expect((await w.other.agent.get(`/tickets/${ticketId}/reply`)).status).to.equal(404);
    expect((await w.other.agent.get('/tickets/not-a-number')).status).to.equal(404);
    expect(await replies(ticketId)).to.deep.equal(before);
    expect((await w.other.agent.get('/tickets')).text).not.to.contain('Server is slow');
  });
});
