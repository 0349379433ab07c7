/** The builder's assets/ folder, overridden file by file by the book's own assets/. */
import path from 'node:path';
import { BUILDER_ROOT } from './paths.ts';
import { BUILDER_DEFAULTS, existsAsEntry, requireBookFile } from './sources/safe-path.ts';

/**
 * The book's own assets/<rel> when it has one, else the builder's. The book's is checked first:
 * inside the book after links (or a link to a builder default), and a plain file; a broken link
 * counts as an override, and is an error, rather than silently falling back to the default.
 * Returned as the author's path (not the link's target), so that the stylesheet's relative
 * url()s resolve as in a browser.
 */
export function resolveAsset(bookDir: string, rel: string): string {
  const own = path.join(bookDir, 'assets', rel);
  if (!existsAsEntry(own)) return path.join(BUILDER_ROOT, 'assets', rel);
  requireBookFile(own, { roots: [bookDir, ...BUILDER_DEFAULTS], name: 'this file', where: { file: `assets/${rel}` } });
  return own;
}
