/**
 * Builds the fixture book and the repository's book once for the whole suite (the tests then
 * open what was built), and makes sure the EPUB validators are there: Debian's EPUBCheck is
 * installed with apt-get when missing and possible.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildBook } from '../../build/build.ts';
import { ensureJavaEpubcheck } from '../helpers/epubcheck.ts';
import { FIXTURE_BOOK, FIXTURE_OUT, OUT, REPO_OUT, ROOT, SCIENCE_BOOK, SCIENCE_OUT, TECH_BOOK, TECH_OUT } from '../helpers/paths.ts';

export default async function setup(): Promise<void> {
  process.env.SOURCE_DATE_EPOCH ??= '1700000000';
  ensureJavaEpubcheck();
  // For working on one test file: EBOOK_TEST_REUSE=1 keeps what an earlier run built in test/.out.
  if (process.env.EBOOK_TEST_REUSE) return;
  await rm(OUT, { recursive: true, force: true });
  const formats = ['pdf', 'epub', 'print', 'cover'] as const;
  // The web edition (test/web.test.ts) of the technical book, and of the mini-book for its notes.
  await buildBook({ bookDir: FIXTURE_BOOK, outDir: FIXTURE_OUT, formats: [...formats, 'web'] });
  await buildBook({ bookDir: ROOT, outDir: REPO_OUT, formats });
  const tech = await buildBook({ bookDir: TECH_BOOK, outDir: TECH_OUT, formats: [...formats, 'web'] });
  // The tests read what the build warned about (elements scaled to fit, and the like).
  await writeFile(path.join(TECH_OUT, 'warnings.json'), JSON.stringify(tech.warnings, null, 2));
  const science = await buildBook({ bookDir: SCIENCE_BOOK, outDir: SCIENCE_OUT, formats });
  await writeFile(path.join(SCIENCE_OUT, 'warnings.json'), JSON.stringify(science.warnings, null, 2));
}
