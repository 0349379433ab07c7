/** The optional cover image: found inside the book folder, readable, and sharp enough for print. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp, { type Metadata } from 'sharp';
import { BookError } from '../errors.ts';
import { requireBookFile } from '../sources/safe-path.ts';

export interface CoverImage {
  /** As book.yaml gives it, for messages. */
  rel: string;
  url: string;
  widthPx: number;
  heightPx: number;
}

const RASTER = new Set(['jpeg', 'png', 'webp']);
/** Print services ask for 300 ppi at the printed size. */
export const MIN_PRINT_PPI = 300;

export async function loadCoverImage(bookDir: string, rel: string): Promise<CoverImage> {
  const where = { file: 'book.yaml' };
  if (/^[a-z][a-z0-9+.-]*:/i.test(rel) || path.isAbsolute(rel)) {
    throw new BookError(`cover.image: ${rel} must be a path relative to the book folder`, where);
  }
  const abs = path.resolve(bookDir, rel);
  if (path.relative(bookDir, abs).startsWith('..')) throw new BookError(`cover.image: ${rel} leaves the book folder`, where);
  // Inside the book after links, and a plain file: sharp and the browser read only the real path.
  const real = requireBookFile(abs, { roots: [bookDir], name: `cover.image: ${rel}`, where, missing: `cover.image: there is no file ${rel} in the book folder` });
  let meta: Metadata;
  try {
    meta = await sharp(real).metadata();
  } catch (e) {
    throw new BookError(`cover.image: ${rel} cannot be read: ${(e as Error).message}`, where);
  }
  if (!meta.format || !RASTER.has(meta.format) || !meta.width || !meta.height) {
    throw new BookError(`cover.image: ${rel} is ${meta.format ?? 'not an image'}; use a JPEG, PNG or WebP`, where);
  }
  // EXIF orientation 5–8 turns the picture a quarter: Chromium shows it turned, so swap the sides.
  const turned = (meta.orientation ?? 1) >= 5;
  return {
    rel,
    url: pathToFileURL(real).href,
    widthPx: turned ? meta.height : meta.width,
    heightPx: turned ? meta.width : meta.height,
  };
}

/** Resolution of an image scaled to cover a box (CSS object-fit: cover), in pixels per inch. */
export function coverPpi(image: Pick<CoverImage, 'widthPx' | 'heightPx'>, box: { width: number; height: number }): number {
  return Math.min(image.widthPx / box.width, image.heightPx / box.height);
}

/** A warning when the image prints below 300 ppi, or undefined. */
export function ppiWarning(image: CoverImage, box: { width: number; height: number }): string | undefined {
  const ppi = coverPpi(image, box);
  if (ppi >= MIN_PRINT_PPI) return undefined;
  const need = `${Math.ceil(box.width * MIN_PRINT_PPI)} × ${Math.ceil(box.height * MIN_PRINT_PPI)} px`;
  return `cover image ${image.rel} is ${image.widthPx} × ${image.heightPx} px, only ${Math.floor(ppi)} ppi on the printed cover (${box.width.toFixed(3)} × ${box.height.toFixed(3)} in); print needs ${MIN_PRINT_PPI} ppi: use at least ${need}`;
}
