import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { agentBrowser, setSelfReferralMode } from './support/self-referral';
import { type Fixture, PASSWORD, csrfFrom, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';

const AREA = '/index.php?m=agenttools';
const PAGE = `${AREA}&action=quotes`;

/**
 * Alice is an agent. She sends a quote to a prospect, then signs up from it herself, in her own
 * browser or with her own mailbox: the quote attributes the client like a code or a cookie would,
 * so the same self-referral rules apply.
 */
onEachDatabase("self-referral: a sign-up from the agent's own quote", ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let aliceOwn: Session;
  let aliceAgent: number;
  const core = () => f.host.agentTools.services;

  const setMode = (mode: 'reject' | 'flag') => setSelfReferralMode(admin, mode);
  const aliceBrowser = () => agentBrowser(f.host, 'alice@example.com');
  /** Alice's quote for a prospect, sent; the link in the prospect's e-mail. */
  const sentQuote = async (to: string) => {
    const made = await aliceOwn.post(PAGE, `${AREA}&action=createQuote`, { client_id: '', email: to, product_0: f.productId, quantity_0: 1 });
    const id = Number(/&done=created&id=(\d+)$/.exec(String(made.headers.location ?? ''))![1]);
    expect((await aliceOwn.post(PAGE, `${AREA}&action=sendQuote`, { quote_id: id })).status).to.equal(303);
    const mail = await f.host.db('host_emails').where({ to }).orderBy('id', 'desc').first();
    return { id, link: /http:\/\/billing\.test(\/quote\/[A-Za-z0-9_-]+)/.exec(mail.text)![1]! };
  };
  /** Follows the quote's sign-up link in this browser and registers with this e-mail. */
  const signUpFrom = async (s: Session, link: string, email: string) => {
    const page = await s.agent.get(link);
    const href = /href="(\/register\?[^"]+)"/.exec(page.text)![1]!.replace(/&amp;/g, '&');
    const form = await s.agent.get(href);
    const res = await s.agent
      .post('/register')
      .type('form')
      .send({
        firstname: 'From',
        lastname: 'Quote',
        email,
        password: PASSWORD,
        currency: 'USD',
        quote: /name="quote" value="([^"]+)"/.exec(form.text)![1],
        return: /name="return" value="([^"]+)"/.exec(form.text)![1],
        _csrf: csrfFrom(form.text),
      });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    return Number((await f.host.db('host_clients').where({ email: email.toLowerCase() }).first()).id);
  };
  const reviews = async (clientId: number) => (await current().db(T.referralReviews).where({ client_id: clientId })).map((r) => [Number(r.agent_id), r.reason, r.status]);
  const notAttributedLogged = (clientId: number) => f.logger.lines.some((l) => l.message === 'quote sign-up not attributed' && l.data?.clientId === clientId);

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    const clientId = await signUp(f.host, await session(f.host), 'alice@example.com');
    aliceAgent = (await core().agents.activateForClient(clientId, (await core().programs.bySlug('default'))!.id)).id;
    aliceOwn = await session(f.host, { email: 'alice@example.com' });
  });
  after(() => f.host.stop());

  it('reject (the default), her browser: the new client has the quote but is not assigned to her; the refusal is logged and nothing is queued', async () => {
    const { id, link } = await sentQuote('bob@example.org');
    const second = await signUpFrom(await aliceBrowser(), link, 'bob@example.org');
    expect(Number((await f.host.db('host_quotes').where({ id }).first()).client_id)).to.equal(second);
    expect(await core().assignments.forClient(second)).to.equal(null);
    expect(await reviews(second)).to.deep.equal([]);
    expect(notAttributedLogged(second)).to.equal(true);
  });

  it('reject, her mailbox with a +tag from a fresh browser: not assigned to her', async () => {
    const { link } = await sentQuote('carol@example.org');
    const second = await signUpFrom(await session(f.host), link, 'Alice+second@example.com');
    expect(await core().assignments.forClient(second)).to.equal(null);
    expect(notAttributedLogged(second)).to.equal(true);
  });

  it('flag, her browser: the new client is assigned to her from the quote, and waits in the review queue as "same device as the agent"', async () => {
    await setMode('flag');
    const { link } = await sentQuote('dave@example.org');
    const second = await signUpFrom(await aliceBrowser(), link, 'dave@example.org');
    const referral = await core().assignments.forClient(second);
    expect([referral?.agentId, referral?.rule]).to.deep.equal([aliceAgent, 'quote']);
    expect(await reviews(second)).to.deep.equal([[aliceAgent, 'same device as the agent', 'open']]);
    await setMode('reject');
  });

  it('a stranger who signs up from her quote in their own browser is assigned to her, with no review', async () => {
    const { id, link } = await sentQuote('erin@example.org');
    const stranger = await signUpFrom(await session(f.host), link, 'erin@example.org');
    const referral = await core().assignments.forClient(stranger);
    expect([referral?.agentId, referral?.rule]).to.deep.equal([aliceAgent, 'quote']);
    expect((await current().db(T.assignmentLog).where({ client_id: stranger }).first()).reason).to.equal(`signed up from quote #${id}`);
    expect(await reviews(stranger)).to.deep.equal([]);
    expect(notAttributedLogged(stranger)).to.equal(false);
  });
});
