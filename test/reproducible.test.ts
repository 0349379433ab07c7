/** Builds of the same sources, in different folders, give byte-identical files. */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBook, outputName } from '../build/build.ts';
import { FIXTURE_BOOK } from './helpers/paths.ts';
import { readZip } from './helpers/epub.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'repro-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
process.env.SOURCE_DATE_EPOCH = '1709251200';

describe('reproducible outputs', () => {
  it('builds the same bytes twice from copies of the fixture book in different folders', async () => {
    const builds = [];
    for (const name of ['first', 'second']) {
      const dir = path.join(scratch, name, 'book');
      cpSync(FIXTURE_BOOK, dir, { recursive: true });
      builds.push(await buildBook({ bookDir: dir, outDir: path.join(dir, 'out'), formats: ['pdf', 'epub', 'print', 'cover'] }));
    }
    const [a, b] = builds;
    for (const format of ['pdf', 'epub', 'print', 'cover'] as const) {
      const name = outputName(a!.book.config.slug, format);
      const bytesA = readFileSync(path.join(scratch, 'first', 'book', 'out', name));
      const bytesB = readFileSync(path.join(scratch, 'second', 'book', 'out', name));
      expect(bytesA.length, name).toBeGreaterThan(1000);
      expect(bytesA.equals(bytesB), `${name} differs between the two builds`).toBe(true);
      // No absolute path of either build folder is left in the file.
      expect(bytesA.includes(Buffer.from(scratch)), name).toBe(false);
      expect(bytesA.includes(Buffer.from("file:")), name).toBe(false);
    }
    expect(b!.files.length).toBe(4);
  });

  // The EPUB's cover JPEG is a browser screenshot. On a 6 × 9 in book one screenshot in four
  // caught a frame still being rastered (a few 8 × 8 blocks along the rings differed): two builds
  // could agree by chance, ten in a row did not. The cover PDFs are vectors, checked above.
  it('builds the same EPUB, cover JPEG included, ten times in two folders', async () => {
    const folders = ['one', 'another-folder'].map((name) => {
      const dir = path.join(scratch, 'ten', name, 'book');
      cpSync(FIXTURE_BOOK, dir, { recursive: true });
      const yaml = readFileSync(path.join(dir, 'book.yaml'), 'utf8');
      expect(yaml).toContain('trim: 5x8');
      writeFileSync(path.join(dir, 'book.yaml'), yaml.replace('trim: 5x8', 'trim: 6x9'));
      return dir;
    });
    const digests: Record<string, string[]> = {};
    for (let i = 0; i < 10; i++) {
      const dir = folders[i % 2]!;
      const out = path.join(dir, 'out');
      const built = await buildBook({ bookDir: dir, outDir: out, formats: ['epub'] });
      expect(built.files.map((f) => path.basename(f.path))).toEqual([outputName(built.book.config.slug, 'epub')]);
      for (const name of readdirSync(out)) (digests[name] ??= []).push(sha256(readFileSync(path.join(out, name))));
      const entries = await readZip(path.join(out, outputName(built.book.config.slug, 'epub')));
      const cover = entries.find((e) => e.name === 'EPUB/images/cover.jpg');
      expect(cover, 'the EPUB has its cover JPEG').toBeDefined();
      (digests['cover.jpg'] ??= []).push(sha256(cover!.data));
    }
    for (const [name, list] of Object.entries(digests)) {
      expect(list, name).toHaveLength(10);
      expect(new Set(list).size, `${name}: ${new Set(list).size} different versions in ten builds`).toBe(1);
    }
  });
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
