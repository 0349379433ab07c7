/** Images for screens: long side at most 1600 px, recompressed with sharp; SVG kept as it is. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { BookError } from '../errors.ts';
import type { ImageAsset } from '../model/book.ts';

export interface EpubImage {
  href: string;
  mediaType: string;
  data: Buffer;
}

const MEDIA_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

export async function prepareEpubImage(asset: ImageAsset, maxSide = 1600): Promise<EpubImage> {
  const ext = path.extname(asset.href).toLowerCase();
  const mediaType = MEDIA_TYPES[ext];
  if (!mediaType) {
    throw new BookError(`image type ${ext || '(none)'} is not supported; use JPEG, PNG, GIF, WebP or SVG`, asset.usedAt);
  }
  const input = await readFile(asset.absPath);
  if (mediaType === 'image/svg+xml' || mediaType === 'image/gif') return { href: asset.href, mediaType, data: input };
  try {
    const image = sharp(input, { limitInputPixels: 100_000_000 }).rotate();
    const resized = image.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
    const data =
      mediaType === 'image/jpeg'
        ? await resized.jpeg({ quality: 82, mozjpeg: true }).toBuffer()
        : mediaType === 'image/png'
          ? await resized.png({ compressionLevel: 9, palette: true }).toBuffer()
          : await resized.webp({ quality: 82 }).toBuffer();
    return { href: asset.href, mediaType, data };
  } catch (e) {
    throw new BookError(`image ${path.basename(asset.absPath)} cannot be read: ${(e as Error).message}`, asset.usedAt);
  }
}
