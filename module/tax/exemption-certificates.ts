import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { asRow, asRows, num, oneOf, rowOrNull, stringOrNull, text } from '../db/columns';
import { checkCertificate, type CertificateMime } from './certificate-file';

export const EXEMPTION_CERTIFICATE = 'exemption_certificate';
const MIMES: readonly CertificateMime[] = ['application/pdf', 'image/png', 'image/jpeg'];

/** A certificate filed for an agent's tax profile, without its bytes. */
export interface FiledCertificate {
  id: number;
  agentId: number;
  fileName: string;
  mime: CertificateMime;
  size: number;
  sha256: string;
  uploadedAt: number;
  uploadedBy: string;
  /** The exemption the agent's tax profile named when this file was uploaded: the one it is the certificate of. */
  exemptionRef: string | null;
  exemptionValidUntil: string | null;
}

const META = ['id', 'agent_id', 'file_name', 'mime', 'size', 'sha256', 'uploaded_at', 'uploaded_by', 'exemption_ref', 'exemption_valid_until'];

function fromRow(value: unknown): FiledCertificate {
  const r = asRow(value);
  return {
    id: num(r.id),
    agentId: num(r.agent_id),
    fileName: text(r.file_name),
    mime: oneOf(MIMES, r.mime),
    size: num(r.size),
    sha256: text(r.sha256),
    uploadedAt: num(r.uploaded_at),
    uploadedBy: text(r.uploaded_by),
    exemptionRef: stringOrNull(r.exemption_ref),
    exemptionValidUntil: stringOrNull(r.exemption_valid_until),
  };
}

/**
 * The exemption certificates agents file with their tax profile (issue 15). An exemption counts
 * only with its certificate on file (module/tax/tax-rules.ts). A new upload takes the place of the
 * one before without deleting it: the latest is the one on file, the older ones stay as the record
 * of what was on file when earlier payouts were decided. Each keeps the exemption (number and last
 * day) the profile named at its upload: it is that exemption's certificate and no other's, so an
 * agent who enters a new number or a new last day files the new certificate before it counts.
 */
export class ExemptionCertificates {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks the upload (RuleError beside the `certificate` field) and files it as the certificate of
   * the exemption the agent's tax profile names now. `by` is "agent:…" or "admin:…".
   */
  async file(agentId: number, upload: { name: string; data: Buffer } | null, by: string): Promise<FiledCertificate> {
    const checked = checkCertificate(upload);
    const profile = rowOrNull(await this.db(T.taxProfiles).where({ agent_id: agentId }).first(['exemption_ref', 'exemption_valid_until']));
    const [id] = await this.db(T.taxDocuments).insert({
      agent_id: agentId,
      kind: EXEMPTION_CERTIFICATE,
      file_name: checked.fileName,
      mime: checked.mime,
      size: checked.data.length,
      sha256: crypto.createHash('sha256').update(checked.data).digest('hex'),
      data: checked.data,
      uploaded_at: this.clock.now(),
      uploaded_by: by.slice(0, 80),
      exemption_ref: profile ? stringOrNull(profile.exemption_ref) : null,
      exemption_valid_until: profile ? stringOrNull(profile.exemption_valid_until) : null,
    });
    const filed = await this.get(num(id));
    if (!filed) throw new Error(`the certificate ${id} of agent ${agentId}, just filed, cannot be read back`);
    return filed;
  }

  /** The agent's certificate on file: the latest uploaded; null when none. */
  async onFile(agentId: number): Promise<FiledCertificate | null> {
    const row = rowOrNull(await this.db(T.taxDocuments).where({ agent_id: agentId, kind: EXEMPTION_CERTIFICATE }).orderBy('id', 'desc').first(META));
    return row ? fromRow(row) : null;
  }

  /** Every certificate the agent filed, the one on file first. */
  async history(agentId: number): Promise<FiledCertificate[]> {
    return asRows(await this.db(T.taxDocuments).where({ agent_id: agentId, kind: EXEMPTION_CERTIFICATE }).orderBy('id', 'desc').select(META)).map(fromRow);
  }

  async get(id: number): Promise<FiledCertificate | null> {
    const row = rowOrNull(await this.db(T.taxDocuments).where({ id, kind: EXEMPTION_CERTIFICATE }).first(META));
    return row ? fromRow(row) : null;
  }

  /** A filed certificate with its bytes, for a download; the caller decides who may have it. */
  async withBytes(id: number): Promise<{ certificate: FiledCertificate; data: Buffer } | null> {
    const row = rowOrNull(
      await this.db(T.taxDocuments)
        .where({ id, kind: EXEMPTION_CERTIFICATE })
        .first([...META, 'data']),
    );
    if (!row) return null;
    const data = row.data;
    return { certificate: fromRow(row), data: Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array) };
  }
}
