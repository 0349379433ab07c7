/** The book's images for the site: long side at most 1600 px, recompressed with sharp; SVG and GIF as they are. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { BookError } from '../errors.ts';
import type { ImageAsset } from '../model/book.ts';

export interface WebImage {
  /** "images/photo.jpg", as the book's HTML links it. */
  href: string;
  data: Buffer;
  /** Its size in pixels as served (undefined for an SVG). */
  width: number | undefined;
  height: number | undefined;
}

const KINDS = new Set(['.jpg', '.jpeg', '.png', '.gif', '.webp', '.svg']);
const MAX_SIDE = 1600;

export async function prepareWebImage(asset: ImageAsset): Promise<WebImage> {
  const ext = path.extname(asset.href).toLowerCase();
  if (!KINDS.has(ext)) throw new BookError(`image type ${ext || '(none)'} is not supported; use JPEG, PNG, GIF, WebP or SVG`, asset.usedAt);
  const input = await readFile(asset.absPath);
  if (ext === '.svg') return { href: asset.href, data: input, width: undefined, height: undefined };
  try {
    if (ext === '.gif') {
      const meta = await sharp(input, { limitInputPixels: 100_000_000 }).metadata();
      return { href: asset.href, data: input, width: meta.width, height: meta.pageHeight ?? meta.height };
    }
    const resized = sharp(input, { limitInputPixels: 100_000_000 })
      .rotate()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true });
    const encoded =
      ext === '.png'
        ? resized.png({ compressionLevel: 9, palette: true })
        : ext === '.webp'
          ? resized.webp({ quality: 82 })
          : resized.jpeg({ quality: 82, mozjpeg: true });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { href: asset.href, data, width: info.width, height: info.height };
  } catch (e) {
    throw new BookError(`image ${path.basename(asset.absPath)} cannot be read: ${(e as Error).message}`, asset.usedAt);
  }
}
