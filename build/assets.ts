/** The builder's assets/ folder, overridden file by file by the book's own assets/. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BUILDER_ROOT } from './paths.ts';

export function resolveAsset(bookDir: string, rel: string): string {
  const own = path.join(bookDir, 'assets', rel);
  return existsSync(own) ? own : path.join(BUILDER_ROOT, 'assets', rel);
}
