import path from 'node:path';
import { expect } from 'chai';
import ejs from 'ejs';
import { viewHelpers } from '../module/http/render';
import { explainCommission, type ExplainedCommission } from '../module/commissions/explanation';
import { minor } from '../module/money/amount';

const TEMPLATE = path.resolve(__dirname, '../templates/client/commission.ejs');

/** The commission page's explanation line, as text. */
async function explanationOf(language: string, c: ExplainedCommission & { createdAt: number }): Promise<string> {
  const base = viewHelpers(language, '');
  const h = { ...base, explain: (x: ExplainedCommission) => explainCommission(x, base.t, base) };
  const html = await ejs.renderFile(TEMPLATE, { h, c, history: [], zone: 'Africa/Nairobi', programName: 'Cloud One', clientName: null, referralLink: null, backLink: '#' });
  const why = /data-testid="explanation">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '';
  return why
    .replace(/<[^>]+>/g, '')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A target bonus keeps the admin's record of why (the month's figures, an override's words, in the
 * module's language) as its reason; the agent's page says it in the agent's language instead.
 */
describe('a target bonus on the agent’s commission page, in the reader’s language', () => {
  // Tess's March bonus line (Cloud One): 3 % of KES 12,000.00, dated with its sale on 15 March in Nairobi.
  const bonus = {
    id: 9,
    parts: [{ kind: 'bonus' as const, rule: 'target-bonus', bp: 300 }],
    base: minor(1_200_000),
    amount: minor(36_000),
    adjusted: 0,
    currency: 'KES',
    role: 'target_bonus',
    status: 'pending' as const,
    reason: 'March 2026: targets met: sales KES 2,022,000.00 (target KES 2,000,000.00), 5 new customers (target 5)',
    createdAt: Date.UTC(2026, 2, 15, 9),
    availableAt: Date.UTC(2026, 3, 29, 21),
    invoiceId: 0,
    clientId: 0,
    source: null,
  };

  it('English: the month met, not the stored figures', async () => {
    expect(await explanationOf('english', bonus)).to.equal('3 % target bonus on KES 12,000.00 = KES 360.00 — the targets of March 2026 were met');
  });

  it('Swahili and Russian: the month’s name in the language, money in the locale', async () => {
    expect(await explanationOf('swahili', bonus))
      .to.match(/— malengo ya Machi 2026 yalifikiwa$/)
      .and.include('= Ksh 360.00'); // Intl's no-break space, read as a space here
    expect(await explanationOf('russian', bonus)).to.match(/— план за март 2026 выполнен$/);
  });

  it('a manual commission still shows the reason the admin typed', async () => {
    expect(await explanationOf('english', { ...bonus, role: 'manual', parts: [], reason: 'Launch bonus' })).to.match(/— Launch bonus$/);
  });
});
