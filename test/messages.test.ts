/**
 * Messages about the book: the first line as it always was (`error: file:line: what is wrong`),
 * then the line with a caret and the fix; the nearest known field for a misspelt one; several
 * errors listed at once, up to a limit; no stack trace unless --verbose; stages with their times
 * on a terminal, nothing of them when the output is not a terminal or CI is set.
 */
import { Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { badBooks, expectError, runCli } from './helpers/bad-books.ts';
import { createReporter } from '../build/messages/progress.ts';
import { FIXTURE_BOOK } from './helpers/paths.ts';

const { bookWith, cleanUp } = badBooks('messages');
afterAll(cleanUp);

const yaml = readFileSync(path.join(FIXTURE_BOOK, 'book.yaml'), 'utf8');

describe('an error about the book', () => {
  it('names the nearest known field, with the line and a caret, and every other error with it', () => {
    const dir = bookWith({ 'book.yaml': yaml.replace(/^authors:/m, 'author:') });
    const result = runCli(dir);
    expectError(result, /^error: book\.yaml:3: unknown field author; did you mean authors\?$/m);
    expect(result.stderr).toContain(['error: book.yaml:3: unknown field author; did you mean authors?', '  3 | author:', '    | ^^^^^^'].join('\n'));
    // The field it was meant to be is missing too: both are listed.
    expect(result.stderr).toMatch(/^error: book\.yaml: authors is required\n  fix: add a line "authors: …" to book.yaml$/m);
    expect(result.stderr).toMatch(/^2 errors$/m);
  });

  it('lists many errors up to a limit, and counts the rest', () => {
    const lamp = readFileSync(path.join(FIXTURE_BOOK, 'chapters', '01-the-lamp.md'), 'utf8');
    const dead = Array.from({ length: 25 }, (_, i) => `See [place ${i}](#nowhere-${i}).`).join('\n\n');
    const result = runCli(bookWith({ 'chapters/01-the-lamp.md': `${lamp}\n${dead}\n` }));
    expect(result.status).toBe(1);
    expect(result.stderr.match(/^error: chapters\/01-the-lamp\.md:\d+: link to "#nowhere-\d+"/gm)?.length).toBe(20);
    expect(result.stderr).toMatch(/^… and 5 more errors; fix these first/m);
  });

  it('has a stack trace only with --verbose', () => {
    const dir = bookWith({ 'book.yaml': yaml.replace(/^subtitle:/m, 'subtitel:') });
    const plain = runCli(dir);
    expect(plain.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const verbose = runCli(dir, ['--format', 'epub', '--verbose']);
    expect(verbose.status).toBe(1);
    expect(verbose.stderr).toMatch(/^error: book\.yaml:2: unknown field subtitel; did you mean subtitle\?$/m);
    expect(verbose.stderr).toMatch(/\n\s+at .+load-config\.ts:\d+:\d+/);
  });
});

/** A stream that looks like a terminal (or not), keeping what is written to it. */
function stream(tty: boolean): NodeJS.WriteStream & { text: string } {
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text: string };
  out.text = '';
  Object.assign(out, { isTTY: tty, columns: 100 });
  return out;
}

describe('progress', () => {
  const events = (reporter: ReturnType<typeof createReporter>): void => {
    reporter.progress({ stage: 'model', state: 'start' });
    reporter.progress({ stage: 'model', state: 'done', ms: 95 });
    reporter.progress({ stage: 'layout', state: 'start' });
    reporter.progress({ stage: 'layout', state: 'step', done: 6, total: 12 });
    reporter.progress({ stage: 'layout', state: 'done', ms: 2400 });
  };
  const saved = { CI: process.env.CI, NO_COLOR: process.env.NO_COLOR };
  // Plain text, to compare: the same lines as on a terminal, without colours.
  process.env.NO_COLOR = '1';
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('shows each stage and its time on a terminal, with a bar for the layout', () => {
    delete process.env.CI;
    const out = stream(true);
    events(createReporter({ stream: out }));
    expect(out.text).toMatch(/text and references +95 ms/);
    expect(out.text).toContain('page layout [############------------] 6/12 parts');
    expect(out.text).toMatch(/page layout +2400 ms/);
  });

  it('says nothing of the stages when not on a terminal, in CI, or with --quiet', () => {
    delete process.env.CI;
    const piped = stream(false);
    events(createReporter({ stream: piped }));
    expect(piped.text).toBe('');
    process.env.CI = 'true';
    const ci = stream(true);
    events(createReporter({ stream: ci }));
    expect(ci.text).toBe('');
    delete process.env.CI;
    const quiet = stream(true);
    events(createReporter({ stream: quiet, quiet: true }));
    expect(quiet.text).toBe('');
  });

  it('writes every stage with its time with --verbose, wherever the output goes', () => {
    const piped = stream(false);
    events(createReporter({ stream: piped, verbose: true }));
    expect(piped.text).toBe('  text and references  95 ms\n  page layout          2400 ms\n');
  });
});
