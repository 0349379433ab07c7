/** Two builds of the same sources, in different folders, give byte-identical files. */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBook, outputName } from '../build/build.ts';
import { FIXTURE_BOOK } from './helpers/paths.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'repro-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('reproducible outputs', () => {
  it('builds the same bytes twice from copies of the fixture book in different folders', async () => {
    process.env.SOURCE_DATE_EPOCH = '1709251200';
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
});
