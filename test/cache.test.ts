/** A rebuild after editing one chapter prints only what changed, and gives the same bytes as a fresh build. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBook, type BuildResult } from '../build/build.ts';
import { FIXTURE_BOOK, FIXTURE_SLUG } from './helpers/paths.ts';

describe('the layout cache', () => {
  beforeEach(() => {
    delete process.env.EBOOK_NO_CACHE;
  });
  afterEach(() => {
    process.env.EBOOK_NO_CACHE = '1';
  });

  it('reuses every part of an unchanged book, and all but the edited chapter after an edit', async () => {
    process.env.SOURCE_DATE_EPOCH = '1709251200';
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'cache-')), 'book');
    cpSync(FIXTURE_BOOK, dir, { recursive: true });
    const build = (out: string): Promise<BuildResult> => buildBook({ bookDir: dir, outDir: path.join(dir, out), formats: ['pdf', 'print'] });

    const first = await build('out1');
    expect(first.layoutParts!.reused).toBe(0);
    const second = await build('out2');
    expect(second.layoutParts!.printed).toBe(0);
    expect(second.layoutParts!.reused).toBe(first.layoutParts!.printed);
    const pdf = (out: string): Buffer => readFileSync(path.join(dir, out, `${FIXTURE_SLUG}.pdf`));
    expect(pdf('out2').equals(pdf('out1'))).toBe(true);

    // Edit a table cell of the last chapter: same length, so no folio after it moves.
    const chapter = path.join(dir, 'chapters', '02-the-log.md');
    writeFileSync(chapter, readFileSync(chapter, 'utf8').replace('wind south-west, moderate', 'wind north-east, moderate'));
    const third = await build('out3');
    expect(third.layoutParts!.printed).toBe(1);
    const { openPdfjs, pageTexts } = await import('./helpers/pdf.ts');
    const texts = await pageTexts(await openPdfjs(path.join(dir, 'out3', `${FIXTURE_SLUG}.pdf`)));
    expect(texts.join('\n')).toContain('north-east');

    // A fresh build of the edited book, without the cache, gives the same bytes.
    process.env.EBOOK_NO_CACHE = '1';
    await build('out4');
    expect(pdf('out4').equals(pdf('out3'))).toBe(true);
  });
});
