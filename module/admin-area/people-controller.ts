import type { HostAdmin } from '../contract/host-api';
import type { Actions } from '../http/action';
import { MIN_QUERY, PERSON_KINDS, type PeopleService, type PersonKind } from './people-service';

/**
 * The pickers' search: GET searchPeople&q=…&kind=agent|client answers JSON, at most 20 people,
 * by name or e-mail. Under 2 characters, or another kind, is 422 with no one. `<`, `>` and `&`
 * go out as \u escapes, so that the answer is inert even if something showed it as HTML.
 */
export function peopleSearchActions(people: Pick<PeopleService, 'search'>): Actions<HostAdmin> {
  return {
    searchPeople: {
      method: 'GET',
      async run(_admin, req, res) {
        const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
        const kind = typeof req.query.kind === 'string' && (PERSON_KINDS as readonly string[]).includes(req.query.kind) ? (req.query.kind as PersonKind) : null;
        res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).type('application/json');
        if (!kind || q.trim().length < MIN_QUERY) return void res.status(422).send(inertJson({ results: [], minLength: MIN_QUERY }));
        const results = (await people.search(kind, q)).map((p) => ({ id: p.id, name: p.name, email: p.email, company: p.company, status: p.status }));
        res.send(inertJson({ results }));
      },
    },
  };
}

function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The picker fields of admin forms: the id posted, and the kind of person its text names. */
const PICKED: readonly [field: string, kind: PersonKind][] = [
  ['client_id', 'client'],
  ['agent_id', 'agent'],
  ['to_agent', 'agent'],
];

/**
 * Lets an admin form take a person typed in a picker without its script: when the id field is
 * empty and `<field>_lookup` holds an exact e-mail, the id is that person's. Other forms, and
 * forms whose id came from the picker (or a hidden field), pass through untouched.
 */
export function withPersonLookup(actions: Actions<HostAdmin>, people: Pick<PeopleService, 'resolveEmail'>): Actions<HostAdmin> {
  const out: Actions<HostAdmin> = {};
  for (const [name, action] of Object.entries(actions)) {
    out[name] =
      action.method !== 'POST'
        ? action
        : {
            ...action,
            async run(admin, req, res) {
              const body = req.body as Record<string, unknown> | undefined;
              if (body && typeof body === 'object') {
                for (const [field, kind] of PICKED) {
                  const typed = body[`${field}_lookup`];
                  if (typeof typed !== 'string' || typed.trim() === '' || (typeof body[field] === 'string' && body[field] !== '')) continue;
                  const id = await people.resolveEmail(kind, typed);
                  // Not found: the id stays empty and the form refuses it beside the field.
                  if (id !== null) body[field] = String(id);
                }
              }
              return action.run(admin, req, res);
            },
          };
  }
  return out;
}
