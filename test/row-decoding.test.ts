import { expect } from 'chai';
import { asRow, asRows, json, num, numberOrNull, oneOf, stringOrNull, text } from '../module/db/columns';
import { agentFromRow } from '../module/agents/agent-service';
import { commissionFromRow } from '../module/commissions/commission-row';
import { isDeadlock, isUniqueViolation } from '../module/core/errors';

/** A commission row as SQLite gives it back; MariaDB's differences are spelled out where tested. */
const commissionRow = {
  id: 7,
  agent_id: 3,
  program_id: 1,
  client_id: 12,
  invoice_id: 40,
  invoice_line_id: 41,
  rule: 'auto',
  role: 'sales',
  tier: null,
  terms_version: 2,
  base_minor: 1_200_000,
  parts: JSON.stringify([{ kind: 'sales', rule: 'titanium', bp: 2000, multiplierBp: 10_000 }]),
  amount_minor: 240_000,
  adjusted_minor: 0,
  currency: 'KES',
  status: 'pending',
  reason: '',
  created_at: 1_700_000_000_000,
  available_at: 1_702_592_000_000,
};

describe('rows read from the database are decoded where they are read', () => {
  it('reads BIGINT and SUM() as MariaDB gives them (strings) and as SQLite does (numbers)', () => {
    expect(num('1700000000000')).to.equal(1_700_000_000_000);
    expect(num(5)).to.equal(5);
    expect(numberOrNull(null)).to.equal(null);
    expect(stringOrNull(undefined)).to.equal(null);
    expect(text(Buffer.from('acme.com'))).to.equal('acme.com');
  });

  it('refuses a column that is not what the code reads it as', () => {
    expect(() => num('twelve')).to.throw(TypeError, 'not a numeric column: string twelve');
    expect(() => num('')).to.throw(TypeError);
    expect(() => text({})).to.throw(TypeError, 'not a text column: an object');
    expect(() => oneOf(['active', 'blocked'] as const, 'deleted')).to.throw(TypeError, 'unexpected value "deleted", not one of active, blocked');
    expect(oneOf(['active', 'blocked'] as const, 'blocked')).to.equal('blocked');
  });

  it('refuses a missing row where one must be, and anything but a list where rows must be', () => {
    expect(() => asRow(undefined)).to.throw(TypeError, 'not a database row: undefined');
    expect(() => asRow([])).to.throw(TypeError);
    expect(() => asRows({ id: 1 })).to.throw(TypeError, 'not a list of database rows');
    expect(() => json('{')).to.throw(SyntaxError);
  });

  it('decodes a commission, its rate parts checked against their shape', () => {
    const c = commissionFromRow({ ...commissionRow, amount_minor: '240000', id: '7' });
    expect(c).to.include({ id: 7, amount: 240_000, status: 'pending', tier: null, reason: null, currency: 'KES' });
    expect(c.parts).to.deep.equal([{ kind: 'sales', rule: 'titanium', bp: 2000, multiplierBp: 10_000 }]);
  });

  it('refuses a commission whose rate parts or status are not ones the module writes', () => {
    expect(() => commissionFromRow({ ...commissionRow, parts: JSON.stringify([{ kind: 'gift', rule: 'x' }]) })).to.throw();
    expect(() => commissionFromRow({ ...commissionRow, parts: JSON.stringify([{ kind: 'sales', rule: 'x', bp: '2000' }]) })).to.throw();
    expect(() => commissionFromRow({ ...commissionRow, status: 'paid' })).to.throw(TypeError, 'unexpected value "paid"');
  });

  it('reads an agent without a slug as having no slug status, and refuses an unknown certification', () => {
    const row = {
      id: 3,
      client_id: 12,
      program_id: 1,
      status: 'active',
      blocked_reason: null,
      tier: 'titanium',
      rate_bp: '2500',
      certification: 'advanced',
      paid_orders: null,
      created_at: 1,
      slug: null,
      slug_status: 'approved',
      referral_code: 'ACDEFGHJ',
    };
    expect(agentFromRow(row)).to.include({ rateBp: 2500, certification: 'advanced', paidOrders: 0, slug: null, slugStatus: null });
    expect(() => agentFromRow({ ...row, certification: 'expert' })).to.throw(TypeError, 'unexpected value "expert"');
  });
});

describe('driver errors are told apart by their code, whatever was thrown', () => {
  it('knows a unique violation and a deadlock from either driver, and nothing else as one', () => {
    expect(isUniqueViolation({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).to.equal(true);
    expect(isUniqueViolation(Object.assign(new Error('dup'), { errno: 1062 }))).to.equal(true);
    expect(isDeadlock({ code: 'ER_LOCK_DEADLOCK' })).to.equal(true);
    expect(isUniqueViolation(new Error('ER_DUP_ENTRY'))).to.equal(false);
    expect(isDeadlock(null)).to.equal(false);
    expect(isDeadlock('ER_LOCK_DEADLOCK')).to.equal(false);
  });
});
