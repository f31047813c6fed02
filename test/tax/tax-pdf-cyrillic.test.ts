import { expect } from 'chai';
import { renderPdf } from '../../module/tax/tax-pdf';
import { viewHelpers } from '../../module/http/render';
import { pdfText } from '../support/pdf-text';

/*
 * pdfkit's built-in Helvetica has no Cyrillic: a Russian statement written in it reads back as
 * Latin-1 garbage. With DejaVu Sans embedded (the dejavu-fonts-ttf package), the Russian texts
 * of a self-billing statement come back out of the PDF as written.
 */
describe('tax PDFs in Russian', () => {
  it('a self-billing statement’s Russian title, line, money and note read back from the PDF as written', async () => {
    const h = viewHelpers('russian', '');
    const t = h.t;
    // 1 000,00 ₽ is 100 000 kopecks; 13 % of it, 130,00 ₽, kept back; 870,00 ₽ paid.
    const line = t('tax.statement.line_request', { program: 'Cloudlessons', date: '2026-12-01' });
    const pdf = await renderPdf({
      title: t('tax.statement.title', { number: 'SB-000042' }),
      facts: [[t('tax.statement.number'), 'SB-000042']],
      columns: [
        { label: t('tax.col.description'), width: 40 },
        { label: t('tax.col.gross'), width: 20, numeric: true },
        { label: t('tax.col.tax'), width: 20, numeric: true },
        { label: t('tax.col.net'), width: 20, numeric: true },
      ],
      rows: [[line, h.money(100_000, 'RUB'), h.money(13_000, 'RUB'), h.money(87_000, 'RUB')]],
      totals: [t('tax.col.total'), h.money(100_000, 'RUB'), h.money(13_000, 'RUB'), h.money(87_000, 'RUB')],
      notes: [t('tax.statement.self_billing', { provider: 'Cloudlessons' })],
    });
    const text = await pdfText(pdf);
    expect(text).to.include('Выписка № SB-000042 (самовыставление)');
    expect(text).to.include('Вознаграждение по программе Cloudlessons, выведенное по запросу от 2026-12-01');
    expect(text).to.include('Итого');
    expect(text).to.include('Удержанный налог');
    // Intl's narrow no-break space between the thousands reads back as a space.
    expect(text).to.include('1 000,00 ₽');
    expect(text).to.include('130,00 ₽');
    expect(text).to.include('Составлено компанией Cloudlessons от имени партнёра');
  });
});
