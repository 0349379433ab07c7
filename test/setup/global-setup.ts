/**
 * Builds the fixture book and the repository's book once for the whole suite (the tests then
 * open what was built), and makes sure the EPUB validators are there: Debian's EPUBCheck is
 * installed with apt-get when missing and possible.
 */
import { rm } from 'node:fs/promises';
import { buildBook } from '../../build/build.ts';
import { ensureJavaEpubcheck } from '../helpers/epubcheck.ts';
import { FIXTURE_BOOK, FIXTURE_OUT, OUT, REPO_OUT, ROOT } from '../helpers/paths.ts';

export default async function setup(): Promise<void> {
  process.env.SOURCE_DATE_EPOCH ??= '1700000000';
  await rm(OUT, { recursive: true, force: true });
  ensureJavaEpubcheck();
  const formats = ['pdf', 'epub', 'print', 'cover'] as const;
  await buildBook({ bookDir: FIXTURE_BOOK, outDir: FIXTURE_OUT, formats });
  await buildBook({ bookDir: ROOT, outDir: REPO_OUT, formats });
}
