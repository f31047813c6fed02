import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { HostContext } from '../app';
import { signedIn } from '../auth/passport';
import { allRows, clientRow, oneRow, ticketReplyRow, ticketRow } from '../db/rows';
import { requireClient } from './client';
import { requireAdmin } from './admin';
import { bodyStrings, errorsOf } from './forms';

const idParam = z.coerce.number().int().positive();
const message = z.string().trim().min(1, 'Write a message').max(10_000, 'At most 10,000 characters');
const ticketForm = z.object({ subject: z.string().trim().min(1, 'Enter a subject').max(190, 'At most 190 characters'), message });
const replyForm = z.object({ message });
/** A ticket with its client's name, as the admin's list shows it. */
const adminTicketRow = ticketRow.extend(clientRow.pick({ firstname: true, lastname: true }).shape);

/**
 * Support tickets. A client opens and answers their own (an agent signed in as them needs the
 * `tickets` permission, and the sign-in guard audits each POST); an admin reads and answers all.
 */
export function ticketRoutes(ctx: HostContext): Router {
  const r = express.Router();
  const { db, render, allow } = ctx;
  const now = () => ctx.billing.now();
  const missing = (req: Request, res: Response, area: 'client' | 'admin') => render.page(req, res, { title: 'Ticket', html: '<p class="alert">No such ticket.</p>', area, status: 404 });

  // A reply's author as the admin will read it: the client, or the agent acting as the client.
  const clientAuthor = (req: Request) => {
    const s = req.session.signIn;
    return s ? `${s.agentName} (service manager) for ${s.clientName}` : signedIn(req).name;
  };

  async function ownTicket(req: Request) {
    const id = idParam.safeParse(req.params.id);
    if (!id.success) return null;
    return oneRow(
      ticketRow,
      await db('host_tickets')
        .where({ id: id.data, client_id: signedIn(req).clientId })
        .first(),
    );
  }

  async function anyTicket(req: Request) {
    const id = idParam.safeParse(req.params.id);
    return id.success ? oneRow(ticketRow, await db('host_tickets').where({ id: id.data }).first()) : null;
  }

  const showTicket = async (
    req: Request,
    res: Response,
    ticket: { id: number; client_id: number; subject: string },
    area: 'client' | 'admin',
    state: { errors?: Record<string, string>; values?: Record<string, string>; status?: number } = {},
  ) => {
    const replies = allRows(ticketReplyRow, await db('host_ticket_replies').where({ ticket_id: ticket.id }).orderBy('id'));
    const client = area === 'admin' ? oneRow(clientRow, await db('host_clients').where({ id: ticket.client_id }).first()) : null;
    await render.page(req, res, {
      title: `Ticket #${ticket.id}: ${ticket.subject}`,
      view: area === 'admin' ? 'admin/tickets-view' : 'tickets/ticket',
      area,
      status: state.status,
      locals: { ticket, replies, client, errors: state.errors, values: state.values },
    });
  };

  const addReply = async (ticketId: number, author: 'client' | 'admin', authorName: string, text: string, status: string) => {
    const at = now();
    await db.transaction(async (trx) => {
      await trx('host_ticket_replies').insert({ ticket_id: ticketId, author, author_name: authorName.slice(0, 255), message: text, created_at: at });
      await trx('host_tickets').where({ id: ticketId }).update({ status, updated_at: at });
    });
  };

  r.get('/tickets', requireClient, allow('tickets'), async (req, res) => {
    const tickets = allRows(
      ticketRow,
      await db('host_tickets')
        .where({ client_id: signedIn(req).clientId })
        .orderBy('updated_at', 'desc')
        .orderBy('id', 'desc'),
    );
    await render.page(req, res, { title: 'Support tickets', view: 'tickets/list', area: 'client', locals: { tickets } });
  });

  r.get('/tickets/new', requireClient, allow('tickets'), (req, res) => render.page(req, res, { title: 'Open a ticket', view: 'tickets/new', area: 'client' }));

  r.post('/tickets', requireClient, allow('tickets'), async (req, res) => {
    const values = bodyStrings(req.body);
    const parsed = ticketForm.safeParse(values);
    if (!parsed.success) return render.page(req, res, { title: 'Open a ticket', view: 'tickets/new', area: 'client', status: 422, locals: { values, errors: errorsOf(parsed.error) } });
    const at = now();
    const id = await db.transaction(async (trx) => {
      const [id] = await trx('host_tickets').insert({ client_id: signedIn(req).clientId, subject: parsed.data.subject, status: 'Open', created_at: at, updated_at: at });
      await trx('host_ticket_replies').insert({ ticket_id: id, author: 'client', author_name: clientAuthor(req).slice(0, 255), message: parsed.data.message, created_at: at });
      return Number(id);
    });
    res.redirect(303, `/tickets/${id}`);
  });

  r.get('/tickets/:id', requireClient, allow('tickets'), async (req, res) => {
    const ticket = await ownTicket(req);
    if (!ticket) return missing(req, res, 'client');
    await showTicket(req, res, ticket, 'client');
  });

  r.post('/tickets/:id/reply', requireClient, allow('tickets'), async (req, res) => {
    const ticket = await ownTicket(req);
    if (!ticket) return missing(req, res, 'client');
    const values = bodyStrings(req.body);
    const parsed = replyForm.safeParse(values);
    if (!parsed.success) return showTicket(req, res, ticket, 'client', { errors: errorsOf(parsed.error), values, status: 422 });
    await addReply(ticket.id, 'client', clientAuthor(req), parsed.data.message, 'Customer-Reply');
    res.redirect(303, `/tickets/${ticket.id}`);
  });

  r.get('/admin/tickets', requireAdmin, async (req, res) => {
    const tickets = allRows(
      adminTicketRow,
      await db('host_tickets as t').join('host_clients as c', 'c.id', 't.client_id').orderBy('t.updated_at', 'desc').orderBy('t.id', 'desc').limit(200).select('t.*', 'c.firstname', 'c.lastname'),
    );
    await render.page(req, res, { title: 'Support tickets', view: 'admin/tickets', area: 'admin', locals: { tickets } });
  });

  r.get('/admin/tickets/:id', requireAdmin, async (req, res) => {
    const ticket = await anyTicket(req);
    if (!ticket) return missing(req, res, 'admin');
    await showTicket(req, res, ticket, 'admin');
  });

  r.post('/admin/tickets/:id/reply', requireAdmin, async (req, res) => {
    const ticket = await anyTicket(req);
    if (!ticket) return missing(req, res, 'admin');
    const values = bodyStrings(req.body);
    const parsed = replyForm.safeParse(values);
    if (!parsed.success) return showTicket(req, res, ticket, 'admin', { errors: errorsOf(parsed.error), values, status: 422 });
    await addReply(ticket.id, 'admin', signedIn(req).name, parsed.data.message, 'Answered');
    res.redirect(303, `/admin/tickets/${ticket.id}`);
  });

  return r;
}
