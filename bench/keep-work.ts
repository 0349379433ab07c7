/**
 * Builds a generated book's PDFs with EBOOK_KEEP_WORK=1 and returns the folder of part HTML
 * documents the layout stage left behind (/tmp/ebook-layout-*), for the probes.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bookDirFor, booksDir, generateBook } from './generate.ts';
import { runBuildChild } from './spawn-measured.ts';

const layoutDirs = (): Set<string> => new Set(readdirSync(os.tmpdir()).filter((n) => n.startsWith('ebook-layout-')));

export async function keptLayoutDir(chapters: number): Promise<string> {
  const book = await generateBook(chapters, bookDirFor(chapters));
  const before = layoutDirs();
  await runBuildChild(
    { bookDir: book.dir, outDir: path.join(booksDir(), `probe-out-${chapters}`), formats: ['pdf'] },
    { ...process.env, EBOOK_KEEP_WORK: '1', SOURCE_DATE_EPOCH: '1764028800' },
  );
  // Another build may run meanwhile: ours is the new folder with this book's last chapter in it.
  const ours = (n: string): boolean => readdirSync(path.join(os.tmpdir(), n)).some((f) => f.endsWith(`-chapter-${chapters}.html`));
  const added = [...layoutDirs()].filter((n) => !before.has(n) && ours(n));
  if (added.length !== 1) throw new Error(`expected one new ${os.tmpdir()}/ebook-layout-* folder of this book, found ${added.length}`);
  return path.join(os.tmpdir(), added[0]!);
}
