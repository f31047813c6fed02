import { expect } from 'chai';
import { ZodError } from 'zod';
import { allRows, invoiceRow, oneRow, productWithCategoryRow } from '../host/db/rows';

/** An invoice row as SQLite gives it back. */
const invoice = {
  id: 40,
  client_id: 12,
  currency: 'USD',
  status: 'Paid',
  total_minor: 12_345,
  created_at: 1_700_000_000_000,
  date_paid: 1_700_000_360_000,
  date_refunded: null,
  due_at: 1_700_604_800_000,
  overdue_at: null,
  paid_with: null,
};

describe("the reference host's rows are decoded where they are read", () => {
  it('reads a BIGINT as SQLite gives it (a number) and as MariaDB gives one past 2^53 (a string)', () => {
    expect(oneRow(invoiceRow, invoice)).to.deep.equal(invoice);
    expect(oneRow(invoiceRow, { ...invoice, total_minor: '9007199254740993' })?.total_minor).to.equal(9_007_199_254_740_992);
  });

  it('gives null for a query that found no row, and every row of a list', () => {
    expect(oneRow(invoiceRow, undefined)).to.equal(null);
    expect(allRows(invoiceRow, [invoice, { ...invoice, id: 41 }]).map((r) => r.id)).to.deep.equal([40, 41]);
  });

  it('refuses a status the host contract does not know, naming the column', () => {
    expect(() => oneRow(invoiceRow, { ...invoice, status: 'Void' }))
      .to.throw(ZodError)
      .with.property('issues')
      .that.satisfies((issues: { path: PropertyKey[] }[]) => issues.some((i) => i.path.join('.') === 'status'));
  });

  it('refuses a row whose query did not select a column the code reads', () => {
    const product = { id: 1, group_id: 2, name: 'Cloud Server M', currency: 'USD', price_minor: 12_345, setup_minor: 0 };
    expect(() => oneRow(productWithCategoryRow, product)).to.throw(ZodError, 'category');
    expect(oneRow(productWithCategoryRow, { ...product, category: 'Cloud Servers' })?.category).to.equal('Cloud Servers');
  });

  it('refuses a numeric column that holds text', () => {
    expect(() => oneRow(invoiceRow, { ...invoice, total_minor: '12.3 USD' })).to.throw(ZodError, 'total_minor');
  });
});
