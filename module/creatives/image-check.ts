import { imageSize } from 'image-size';
import { RuleError } from '../core/errors';

/** Banners are small; a larger file is almost always a photo uploaded by mistake. */
export const MAX_IMAGE_BYTES = 1024 * 1024;
export const MAX_IMAGE_SIDE = 10_000;

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

export interface CheckedImage {
  mime: ImageMime;
  width: number;
  height: number;
}

// The formats a browser shows in an <img> and that carry no script. SVG is refused: it is a
// document that may run script when opened from our origin.
const SIGNATURES: { mime: ImageMime; sizeType: string; matches(b: Buffer): boolean }[] = [
  { mime: 'image/png', sizeType: 'png', matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mime: 'image/jpeg', sizeType: 'jpg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/gif', sizeType: 'gif', matches: (b) => ['GIF87a', 'GIF89a'].includes(b.toString('latin1', 0, 6)) },
  { mime: 'image/webp', sizeType: 'webp', matches: (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP' },
];

/**
 * What an uploaded file really is, from its bytes: the name and the type the browser sent are the
 * uploader's to choose, so neither is read. Width and height come from the image itself.
 */
export function checkImage(data: Buffer): CheckedImage {
  if (data.length === 0) throw new RuleError('creatives.error.choose_image', 'image');
  if (data.length > MAX_IMAGE_BYTES) throw new RuleError('creatives.error.too_big', 'image', { size: data.length, max: MAX_IMAGE_BYTES / (1024 * 1024) });
  const format = SIGNATURES.find((s) => s.matches(data));
  if (!format) throw new RuleError('creatives.error.type', 'image');
  let size: ReturnType<typeof imageSize>;
  try {
    // A copy of exactly these bytes: a Buffer may be a view of a larger pool, and image-size
    // reads the view's underlying memory, past the end of a truncated file.
    size = imageSize(new Uint8Array(data));
  } catch (e) {
    // image-size refuses a damaged file with a TypeError, and a truncated one with a RangeError
    // from reading past its end; anything else is a fault of ours, not of the upload.
    if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
    throw new RuleError('creatives.error.damaged', 'image');
  }
  if (size.type !== format.sizeType) throw new RuleError('creatives.error.damaged', 'image');
  // A JPEG turned by its EXIF orientation (5 to 8) is shown with its sides swapped.
  const turned = (size.orientation ?? 1) >= 5;
  const width = turned ? size.height : size.width;
  const height = turned ? size.width : size.height;
  if (![width, height].every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_IMAGE_SIDE)) {
    throw new RuleError('creatives.error.sides', 'image', { max: MAX_IMAGE_SIDE });
  }
  return { mime: format.mime, width, height };
}
