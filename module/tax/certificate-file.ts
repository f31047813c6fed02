import path from 'node:path';
import { RuleError } from '../core/errors';

/** The largest certificate an agent may file: a scan of a few pages. */
export const MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024;

export type CertificateMime = 'application/pdf' | 'image/png' | 'image/jpeg';

/** The form field the certificate arrives under. */
export const CERTIFICATE_FIELD = 'certificate';

// A certificate is a PDF or a scan. Nothing that a browser would run or render as a page (HTML,
// SVG) is accepted, whatever its name says: the type is read from the first bytes.
const SIGNATURES: { mime: CertificateMime; ext: string; matches(b: Buffer): boolean }[] = [
  { mime: 'application/pdf', ext: '.pdf', matches: (b) => b.toString('latin1', 0, 5) === '%PDF-' },
  { mime: 'image/png', ext: '.png', matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mime: 'image/jpeg', ext: '.jpg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
];

/** What the bytes are, from their magic number; null for anything but PDF, PNG and JPEG. */
export function sniffCertificate(data: Buffer): CertificateMime | null {
  return SIGNATURES.find((s) => s.matches(data))?.mime ?? null;
}

/** A file name fit to keep and show: its last path segment, no control characters, at most 255 characters. */
export function cleanFileName(name: string): string {
  const last = path.basename(name.replace(/\\/g, '/'));
  // Control characters (a newline, a NUL) have no place in a name shown on a page or in a header.
  const base = [...last]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();
  return base.slice(0, 255);
}

/**
 * The name a download is offered under: the name as filed, with the extension of what the file
 * really is, so that the agent's computer opens it with the right program.
 */
export function downloadName(fileName: string, mime: CertificateMime): string {
  const sig = SIGNATURES.find((s) => s.mime === mime)!;
  const ext = path.extname(fileName).toLowerCase();
  const fits = ext === sig.ext || (mime === 'image/jpeg' && ext === '.jpeg');
  const stem = fileName || 'certificate';
  return fits ? stem : `${stem}${sig.ext}`;
}

/** The upload checked: refused beside the certificate field when missing, empty, too large or not a PDF, PNG or JPEG. */
export function checkCertificate(file: { name: string; data: Buffer } | null): { fileName: string; mime: CertificateMime; data: Buffer } {
  if (!file) throw new RuleError('tax.certificate_file.error.missing', CERTIFICATE_FIELD);
  if (file.data.length === 0) throw new RuleError('tax.certificate_file.error.empty', CERTIFICATE_FIELD);
  if (file.data.length > MAX_CERTIFICATE_BYTES) {
    throw new RuleError('tax.certificate_file.error.too_big', CERTIFICATE_FIELD, { size: megabytes(file.data.length), max: MAX_CERTIFICATE_BYTES / (1024 * 1024) });
  }
  const mime = sniffCertificate(file.data);
  if (!mime) throw new RuleError('tax.certificate_file.error.type', CERTIFICATE_FIELD);
  return { fileName: cleanFileName(file.name) || 'certificate', mime, data: file.data };
}

/** A size in MB (of 1,048,576 bytes), rounded up to one decimal; the message writes it in the reader's locale ("5,5" in Russian). */
function megabytes(bytes: number): number {
  return Math.ceil((bytes * 10) / (1024 * 1024)) / 10;
}
