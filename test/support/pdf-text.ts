import { PDFParse } from 'pdf-parse';

/**
 * The text of a PDF as pdf-parse reads it, every run of white space (a table cell's wrapped line,
 * Intl's no-break spaces) as one space, so that a line of a table reads as written.
 */
export async function pdfText(pdf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: pdf });
  try {
    return (await parser.getText()).text.replace(/[\s\u00a0\u202f]+/g, ' ');
  } finally {
    await parser.destroy();
  }
}
