/**
 * A rebuild after editing one chapter prints only what changed, and gives the same bytes as a
 * fresh build; the cache keeps what the build used and lets the rest go beyond its budget.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBook, type BuildResult } from '../build/build.ts';
import { pruneCache } from '../build/cache-budget.ts';
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
    // Left by builds long ago (a month and more) and by one that died mid-write: pruned by the next.
    const parts = path.join(dir, '.cache', 'parts');
    const days = (n: number): number => Date.now() / 1000 - n * 86_400;
    const planted = ['0123456789abcdef0123456789abcdef-0123456789abcdef.pdf', '0123456789abcdef0123456789abcdef.fit.json', 'ffff-0000.pdf.1234.tmp'];
    for (const name of planted) {
      writeFileSync(path.join(parts, name), 'old');
      utimesSync(path.join(parts, name), days(40), days(40));
    }
    const usedBefore = readdirSync(parts).filter((f) => !planted.includes(f));
    const second = await build('out2');
    expect(planted.filter((f) => existsSync(path.join(parts, f)))).toEqual([]);
    expect(usedBefore.filter((f) => !existsSync(path.join(parts, f)))).toEqual([]);
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

  it('keeps what a build used, then the newest files within the budget, and nothing a month unused', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'budget-'));
    mkdirSync(dir, { recursive: true });
    const now = Date.now();
    const file = (name: string, bytes: number, daysAgo: number): void => {
      writeFileSync(path.join(dir, name), Buffer.alloc(bytes));
      const t = (now - daysAgo * 86_400_000) / 1000;
      utimesSync(path.join(dir, name), t, t);
    };
    file('used-old.pdf', 500, 60); // used by this build: kept, however old, and marked as used now
    file('newest.pdf', 400, 1);
    file('newer.pdf', 400, 2);
    file('older.pdf', 400, 3); // past the budget of 1,000 bytes once the two newer ones are in
    file('small.pdf', 100, 4); // still fits after it
    file('ancient.pdf', 10, 45); // past the age limit
    file('x.pdf.99.tmp', 10, 0); // a build may be writing it
    const result = await pruneCache(dir, new Set(['used-old.pdf']), { bytes: 1000, days: 30 }, now);
    expect(readdirSync(dir).sort()).toEqual(['newer.pdf', 'newest.pdf', 'small.pdf', 'used-old.pdf', 'x.pdf.99.tmp']);
    expect(result.removed).toBe(2);
    expect(Math.abs(statSync(path.join(dir, 'used-old.pdf')).mtimeMs - now)).toBeLessThan(2000);
  });
});
