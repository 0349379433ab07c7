/**
 * `npm run check`: on copies of the fixture books with problems planted, each problem is found
 * with its file, line, the offending line and a caret under the spot, all of them in one run;
 * nothing is written into the book folder; no browser is started (EBOOK_BROWSER points at
 * nothing, which would stop a build at once).
 */
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { badBooks, type CliResult } from './helpers/bad-books.ts';
import { ROOT, SCIENCE_BOOK } from './helpers/paths.ts';

const { scratch, bookWith, cleanUp } = badBooks('check');
afterAll(cleanUp);

function check(dir: string, args: string[] = []): CliResult {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const run = spawnSync(tsx, [path.join(ROOT, 'build', 'cli.ts'), 'check', '--book', dir, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, EBOOK_BROWSER: '/no/browser/for/check' },
  });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

/** Every file under `dir` with its size and time: what a run that writes nothing leaves as it was. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${path.relative(dir, p)} ${statSync(p).size} ${statSync(p).mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort();
}

/** The lines the terminal shows for one error: the first line, the source line, the caret line. */
function reportOf(stderr: string, first: string): string[] {
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`error: ${first}`));
  expect(at, `no "error: ${first}" in:\n${stderr}`).toBeGreaterThanOrEqual(0);
  return lines.slice(at, at + 4);
}

/** The text above the caret in a two-line excerpt ("  5 | text" over "    |  ^^^"). */
function underCaret(report: string[]): string {
  const source = report[1]!.replace(/^\s*\d+ \| /, '');
  const caretLine = report[2]!.replace(/^\s*\| /, '');
  const start = caretLine.indexOf('^');
  const length = caretLine.length - start;
  return source.slice(start, start + length);
}

const lamp = readFileSync(path.join(ROOT, 'test', 'fixtures', 'mini-book', 'chapters', '01-the-lamp.md'), 'utf8');
const log = readFileSync(path.join(ROOT, 'test', 'fixtures', 'mini-book', 'chapters', '02-the-log.md'), 'utf8');

describe('npm run check', () => {
  it('passes the fixture book, with its warning, and writes nothing', () => {
    const dir = bookWith({});
    const before = snapshot(dir);
    const result = check(dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/checked 4 files, 1 image, 0 diagrams in [\d.]+ s: no errors, 1 warning/);
    expect(result.stderr).toMatch(/warning: chapters\/01-the-lamp\.md:5: image lamp\.png prints at .* ppi/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('finds the notes of every file that are wrong in one run, each with its line and a caret', () => {
    const dir = bookWith({
      'chapters/01-the-lamp.md': `${lamp}\n[^spare]: A note nothing refers to.\n`,
      'chapters/02-the-log.md': log.replace('put out at dawn.[^log]', 'put out at dawn.[^dawn]'),
    });
    const result = check(dir);
    expect(result.status).toBe(1);
    const spare = reportOf(result.stderr, 'chapters/01-the-lamp.md:18: note [^spare] is defined but never referenced');
    expect(underCaret(spare)).toBe('[^spare]');
    expect(spare[3]).toBe('  fix: put [^spare] in the text where the note belongs, or delete the definition');
    const dawn = reportOf(result.stderr, 'chapters/02-the-log.md:3: note [^dawn] is referenced but never defined');
    expect(underCaret(dawn)).toBe('[^dawn]');
  });

  it('finds every planted problem of the links, images and citations in one run, each with its line and a caret under it', () => {
    const dir = bookWith({
      'chapters/01-the-lamp.md': lamp
        .replace('(#the-log)', '(#the-logg)')
        .replace('](images/lamp.png)', '](images/lamp.jpg)')
        .replace('clean and even [@keeper-1890]', 'clean and even [@keeper-1980]'),
      'chapters/02-the-log.md': log.replace('# The Keeper\'s Log {#the-log}', '# The Keeper\'s Log {#the-log}\n\n![](images/lamp.png)'),
    });
    const before = snapshot(dir);
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);

    const image = reportOf(result.stderr, 'chapters/01-the-lamp.md:5: image "images/lamp.jpg" not found');
    expect(underCaret(image)).toBe('images/lamp.jpg');
    expect(image[3]).toBe('  fix: did you mean images/lamp.png?');

    const link = reportOf(result.stderr, 'chapters/01-the-lamp.md:9: link to "#the-logg", but no heading, note or element has that id');
    expect(underCaret(link)).toBe('#the-logg');
    expect(link[3]).toBe('  fix: did you mean #the-log?');

    const citation = reportOf(result.stderr, 'chapters/01-the-lamp.md:15: citation [@keeper-1980] names no bibliography entry');
    expect(underCaret(citation)).toBe('[@keeper-1980]');
    expect(citation[3]).toBe('  fix: did you mean [@keeper-1890]?');

    const alt = reportOf(result.stderr, 'chapters/02-the-log.md:3: image "images/lamp.png" has no alt text');
    expect(underCaret(alt)).toBe('images/lamp.png');
    expect(result.stderr).toMatch(/^4 errors$/m);
    expect(snapshot(dir)).toEqual(before);
  });

  it('names the nearest known field of book.yaml and of front matter, under a caret', () => {
    const dir = bookWith({
      'book.yaml': readFileSync(path.join(ROOT, 'test', 'fixtures', 'mini-book', 'book.yaml'), 'utf8').replace('subtitle:', 'subtitel:').replace('  paper: white', '  paper: whit'),
      'chapters/02-the-log.md': `---\ntitel: The Log\nkind: chapterr\n---\n\n${log}`,
    });
    const result = check(dir);
    expect(result.status).toBe(1);
    const field = reportOf(result.stderr, 'book.yaml:2: unknown field subtitel; did you mean subtitle?');
    expect(underCaret(field)).toBe('subtitel');
    const value = reportOf(result.stderr, 'book.yaml:16: print.paper: Invalid option');
    expect(value[0]).toContain('did you mean white?');
    expect(underCaret(value)).toBe('whit');
    const front = reportOf(result.stderr, 'chapters/02-the-log.md:2: unknown front matter field titel; did you mean title?');
    expect(underCaret(front)).toBe('titel');
    const kind = reportOf(result.stderr, 'chapters/02-the-log.md:3: front matter kind: Invalid option');
    expect(kind[0]).toContain('did you mean chapter?');
    expect(underCaret(kind)).toBe('chapterr');
    expect(result.stderr).toMatch(/^4 errors$/m);
  });

  it('finds a Mermaid syntax error without a browser, at the line of the diagram', () => {
    const file = path.join('chapters', '02-filtrage.md');
    const text = readFileSync(path.join(SCIENCE_BOOK, file), 'utf8');
    const node = '    aa --> can[Échantillonnage et quantification]';
    expect(text).toContain(node);
    const dir = path.join(scratch, 'science');
    cpSync(SCIENCE_BOOK, dir, { recursive: true });
    // An unclosed bracket: Mermaid stops at the next line of the diagram (its 4th).
    writeFileSync(path.join(dir, file), text.replace(node, node.slice(0, -1)));
    const result = check(dir);
    expect(result.status, result.stderr).toBe(1);
    const fence = text.split('\n').findIndex((l) => l.startsWith('```mermaid')) + 1;
    expect(result.stderr).toContain(`error: chapters/02-filtrage.md:${fence + 4}: Mermaid cannot read this diagram (line 4 of the diagram)`);
  });

  it('passes with warnings, and fails on them with --strict, at their lines', () => {
    const dir = bookWith({});
    expect(check(dir).status).toBe(0);
    const strict = check(dir, ['--strict']);
    expect(strict.status).toBe(1);
    const warning = reportOf(strict.stderr, 'chapters/01-the-lamp.md:5: image lamp.png prints at');
    expect(warning[0]).toMatch(/\(an error with --strict\)$/);
    expect(warning[1]).toContain('![A drawing of a lighthouse lamp with its lens](images/lamp.png)');
  });
});
