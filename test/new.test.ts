/**
 * `npm run new`: the book it writes builds as it is, without a warning, passes both EPUB
 * validators, and passes `check --strict`; its book.yaml lists every field the builder reads.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBook, type BuildResult } from '../build/build.ts';
import { knownKeys } from '../build/config/known-keys.ts';
import { bookConfigSchema } from '../build/config/schema.ts';
import { epubcheckTs, javaEpubcheck } from './helpers/epubcheck.ts';
import { ROOT } from './helpers/paths.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'new-book-'));
const dir = path.join(scratch, 'my-book');
const cli = (args: string[]): ReturnType<typeof spawnSync> =>
  spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'build', 'cli.ts'), ...args], { encoding: 'utf8', timeout: 120_000 });
let made: ReturnType<typeof spawnSync>;
let result: BuildResult;

beforeAll(async () => {
  made = cli(['new', dir, '--title', 'Notes from the Harbour: A First Book']);
  result = await buildBook({ bookDir: dir, outDir: path.join(dir, 'dist'), formats: ['pdf', 'epub'] });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run new', () => {
  it('writes the book and says what to run next', () => {
    expect(made.status, String(made.stderr)).toBe(0);
    expect(made.stdout).toContain('book.yaml, chapters/00-preface.md, chapters/01-the-first-chapter.md, chapters/02-the-second-chapter.md, chapters/03-bibliography.md, chapters/images/writing-loop.svg');
    expect(made.stdout).toMatch(/npm run preview -- --book .*my-book/);
  });

  it('writes a book.yaml with the title, and every other field commented with its meaning', () => {
    const yaml = readFileSync(path.join(dir, 'book.yaml'), 'utf8');
    expect(yaml).toMatch(/^title: "Notes from the Harbour: A First Book" +# The book title/m);
    for (const field of knownKeys(bookConfigSchema, [])) expect(yaml, field).toMatch(new RegExp(`^(# )?${field}:`, 'm'));
    for (const field of knownKeys(bookConfigSchema, ['print'])) expect(yaml, `print.${field}`).toMatch(new RegExp(`^# {3}${field}:`, 'm'));
  });

  it('builds without a warning: notes, a figure, a table, references and citations', () => {
    expect(result.warnings).toEqual([]);
    expect(result.files.map((f) => f.format).sort()).toEqual(['epub', 'pdf']);
    const sections = result.book.sections.map((s) => s.kind);
    expect(sections).toEqual(['preface', 'chapter', 'chapter', 'bibliography']);
    const first = result.book.sections[1]!;
    expect(first.notes.length).toBe(1);
    expect(first.bodyHtml).toContain('<figure');
    expect(result.book.bibliography.every((b) => b.citations > 0)).toBe(true);
  });

  it('makes an EPUB that both validators pass', () => {
    const epub = result.files.find((f) => f.format === 'epub')!.path;
    const java = javaEpubcheck(epub);
    expect(java.errors, java.output).toBe(0);
    expect(java.warnings, java.output).toBe(0);
    const ts = epubcheckTs(epub);
    expect(ts.errors, ts.output).toBe(0);
    expect(ts.warnings, ts.output).toBe(0);
  });

  it('passes check --strict, and will not write over a folder that holds something', () => {
    const checked = cli(['check', '--book', dir, '--strict']);
    expect(checked.status, String(checked.stderr)).toBe(0);
    const again = cli(['new', dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already exists and is not empty');
  });
});
