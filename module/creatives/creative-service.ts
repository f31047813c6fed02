import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import { T } from '../db/tables';
import { checkImage } from './image-check';
import type { ImageCreativeInput, TextCreativeInput } from './creative-input';
import { asRow, num, numberOrNull, oneOf, rowOrNull, stringOrNull, text } from '../db/columns';

export interface Creative {
  id: number;
  kind: 'image' | 'text';
  name: string;
  alt: string;
  linkText: string | null;
  landing: string | null;
  width: number | null;
  height: number | null;
  mime: string | null;
  status: 'active' | 'archived';
  createdBy: string;
  createdAt: number;
}

export interface CreativeImage {
  mime: string;
  etag: string;
  data: Buffer;
}

// Every column but the image itself: lists never load the blobs.
const COLUMNS = ['id', 'kind', 'name', 'alt', 'link_text', 'landing', 'width', 'height', 'mime', 'status', 'created_by', 'created_at'];

function toCreative(value: unknown): Creative {
  const r = asRow(value);
  return {
    id: num(r.id),
    kind: oneOf(['image', 'text'] as const, r.kind),
    name: text(r.name),
    alt: stringOrNull(r.alt) ?? '',
    linkText: stringOrNull(r.link_text),
    landing: stringOrNull(r.landing),
    width: numberOrNull(r.width),
    height: numberOrNull(r.height),
    mime: stringOrNull(r.mime),
    status: oneOf(['active', 'archived'] as const, r.status),
    createdBy: text(r.created_by),
    createdAt: num(r.created_at),
  };
}

/**
 * Banners and text links an admin offers to agents. An image creative never changes once made:
 * agents' pages embed it by id, so a new banner is a new creative, and archiving only takes it off
 * the agents' Assets page.
 */
export class CreativeService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async createImage(input: ImageCreativeInput, file: { data: Buffer } | null, by: string): Promise<Creative> {
    if (!file) throw new RuleError('creatives.error.choose_image', 'image');
    const image = checkImage(file.data);
    return this.insert({
      kind: 'image',
      name: input.name,
      alt: input.alt || input.name,
      link_text: null,
      landing: input.landing,
      width: image.width,
      height: image.height,
      mime: image.mime,
      image: file.data,
      etag: crypto.createHash('sha256').update(file.data).digest('hex'),
      created_by: by,
    });
  }

  async createText(input: TextCreativeInput, by: string): Promise<Creative> {
    return this.insert({ kind: 'text', name: input.name || input.link_text.slice(0, 120), alt: '', link_text: input.link_text, landing: input.landing, created_by: by });
  }

  /** Archiving twice is archiving once. */
  async archive(id: number): Promise<void> {
    const n = await this.db(T.creatives).where({ id }).update({ status: 'archived' });
    if (!n) throw new RuleError('creatives.error.missing', 'creative_id', { id });
  }

  /** What agents are offered, oldest first. */
  async listActive(): Promise<Creative[]> {
    return (await this.db(T.creatives).where({ status: 'active' }).orderBy('id').select(COLUMNS)).map(toCreative);
  }

  /** Every creative, the admin's view: newest first. */
  async list(): Promise<Creative[]> {
    return (await this.db(T.creatives).orderBy('id', 'desc').select(COLUMNS)).map(toCreative);
  }

  async get(id: number): Promise<Creative | null> {
    const r = rowOrNull(await this.db(T.creatives).where({ id }).first(COLUMNS));
    return r ? toCreative(r) : null;
  }

  /** The stored image of an image creative, archived or not (agents' pages still show it). */
  async image(id: number): Promise<CreativeImage | null> {
    const r = rowOrNull(await this.db(T.creatives).where({ id, kind: 'image' }).first('mime', 'etag', 'image'));
    if (!r || r.image === null || r.image === undefined) return null;
    if (!(r.image instanceof Uint8Array)) throw new TypeError(`creative ${id}: the image column is not binary data`);
    return { mime: text(r.mime), etag: text(r.etag), data: Buffer.from(r.image) };
  }

  private async insert(row: Record<string, unknown>): Promise<Creative> {
    const [id] = await this.db(T.creatives).insert({ ...row, status: 'active', created_at: this.clock.now() });
    const made = await this.get(Number(id));
    if (!made) throw new Error('the creative just stored cannot be read back');
    return made;
  }
}
