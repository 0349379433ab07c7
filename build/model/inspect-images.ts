/**
 * Checks every image the book uses before anything renders it: readable, not absurdly large,
 * no scripts in SVG. Reads only headers (sharp metadata), so it costs little.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { BookError, throwIfAny } from '../errors.ts';
import type { ImageAsset } from './book.ts';

export interface ImageInfo {
  asset: ImageAsset;
  width: number;
  height: number;
  format: string;
}

/** Beyond this, Chromium and sharp need gigabytes to decode one picture. */
export const MAX_IMAGE_PIXELS = 50_000_000;

export async function inspectImages(images: ImageAsset[]): Promise<ImageInfo[]> {
  const errors: BookError[] = [];
  const infos: ImageInfo[] = [];
  for (const asset of images) {
    const name = path.basename(asset.absPath);
    try {
      if ((await stat(asset.absPath)).size === 0) throw new BookError(`image ${name} is an empty file`, asset.usedAt);
      if (path.extname(asset.absPath).toLowerCase() === '.svg') {
        const svg = await readFile(asset.absPath, 'utf8');
        if (/<script\b|\son[a-z]+\s*=|javascript:/i.test(svg)) {
          throw new BookError(`image ${name} is an SVG with a script or event handler; remove it (images may not run code)`, asset.usedAt);
        }
        if (/(?:href|src)\s*=\s*["']\s*(?:https?:)?\/\//i.test(svg)) {
          throw new BookError(`image ${name} is an SVG that loads something from the network; embed it instead`, asset.usedAt);
        }
      }
      const meta = await sharp(asset.absPath, { limitInputPixels: false }).metadata();
      const width = meta.width ?? 0;
      const height = meta.height ?? 0;
      if (!width || !height) throw new BookError(`image ${name} has no size; is it really an image?`, asset.usedAt);
      if (width * height > MAX_IMAGE_PIXELS) {
        throw new BookError(
          `image ${name} is ${width} × ${height} px (${Math.round((width * height) / 1e6)} Mpx); the limit is ${MAX_IMAGE_PIXELS / 1e6} Mpx: scale it down (300 ppi at the printed size is enough)`,
          asset.usedAt,
        );
      }
      infos.push({ asset, width, height, format: meta.format ?? '' });
    } catch (e) {
      if (e instanceof BookError) errors.push(e);
      else errors.push(new BookError(`image ${name} cannot be read (corrupt or not an image): ${(e as Error).message}`, asset.usedAt));
    }
  }
  throwIfAny(errors);
  return infos;
}
