import PDFDocument from 'pdfkit';

// pdfkit's own Helvetica is Latin-1 only: Cyrillic (the Russian pass) and most other scripts need
// an embedded TrueType font. DejaVu Sans covers them; the npm package dejavu-fonts-ttf ships it, so
// that every machine the module runs on has it (pdfkit reads TTF/OTF, not the web fonts' WOFF).
const DEJAVU = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const DEJAVU_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

function fonts(): { regular: string; bold: string } {
  return { regular: DEJAVU, bold: DEJAVU_BOLD };
}

/** A column of a table: its heading, its share of the line's width, and whether it is a number (right-aligned). */
export interface PdfColumn {
  label: string;
  width: number;
  numeric?: boolean;
}

/** What a tax document says, top to bottom: a title, lines of facts, a table, its totals, closing notes. */
export interface PdfContent {
  title: string;
  facts: [label: string, value: string][];
  columns: PdfColumn[];
  rows: string[][];
  totals?: string[];
  notes: string[];
}

/** The document as PDF bytes. */
export function renderPdf(content: PdfContent): Promise<Buffer> {
  const f = fonts();
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: content.title } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  doc.font(f.bold).fontSize(16).text(content.title, { width });
  doc.moveDown(0.8);
  doc.fontSize(10);
  for (const [label, value] of content.facts) {
    doc.font(f.bold).text(`${label}: `, { continued: true, width }).font(f.regular).text(value);
  }
  doc.moveDown();

  const share = content.columns.reduce((s, c) => s + c.width, 0);
  const line = (cells: string[], font: string) => {
    if (doc.y > doc.page.height - doc.page.margins.bottom - 40) doc.addPage();
    const y = doc.y;
    let x = left;
    let bottom = y;
    doc.font(font).fontSize(9);
    content.columns.forEach((c, i) => {
      const w = (c.width / share) * width;
      doc.text(cells[i] ?? '', x, y, { width: w - 4, align: c.numeric ? 'right' : 'left' });
      bottom = Math.max(bottom, doc.y);
      x += w;
    });
    doc.x = left;
    doc.y = bottom + 3;
  };
  line(
    content.columns.map((c) => c.label),
    f.bold,
  );
  for (const row of content.rows) line(row, f.regular);
  if (content.totals) line(content.totals, f.bold);

  doc.moveDown();
  doc.font(f.regular).fontSize(9);
  for (const note of content.notes) doc.text(note, left, doc.y, { width }).moveDown(0.4);
  doc.end();
  return done;
}
