/**
 * Every file the builder reads from a book must be a plain file inside the book folder, after
 * following symbolic links (or, for templates and assets, one of the builder's own defaults).
 * Anything else is an error naming the file: exit 1, no stack trace, the previous outputs as
 * they were, and nothing of the outside file in any output or message.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { badBooks, expectError, runCli, type CliResult } from './helpers/bad-books.ts';
import { FIXTURE_BOOK, FIXTURE_SLUG } from './helpers/paths.ts';
import { readZip, text } from './helpers/epub.ts';

const { scratch, bookWith, cleanUp } = badBooks('paths');
afterAll(cleanUp);

/** A file outside every book folder, whose text must never reach an output or a message. */
const SECRET = 'Keeper rota: nobody outside the service may read this line.';
const outside = path.join(scratch, 'outside');
mkdirSync(outside, { recursive: true });
writeFileSync(path.join(outside, 'rota.md'), `# Rota\n\n${SECRET}\n`);
writeFileSync(path.join(outside, 'part.html.hbs'), `<p>${SECRET}</p>\n`);
writeFileSync(path.join(outside, 'epub.css'), `/* ${SECRET} */\n`);
const LAMP = path.join(scratch, 'lamp-outside.png');
writeFileSync(LAMP, readFileSync(path.join(FIXTURE_BOOK, 'chapters', 'images', 'lamp.png')));
const PREVIOUS = Buffer.from('the EPUB of the previous build');

/** A copy of the fixture book that has already built once (a stand-in EPUB in dist/). */
function book(): string {
  const dir = bookWith({});
  mkdirSync(path.join(dir, 'dist'));
  writeFileSync(path.join(dir, 'dist', `${FIXTURE_SLUG}.epub`), PREVIOUS);
  return dir;
}

/** The build fails with the message, leaves dist/ as it was, and shows nothing of the outside files. */
function expectRefused(dir: string, pattern: RegExp, formats = 'epub'): CliResult {
  const result = runCli(dir, ['--format', formats]);
  expectError(result, pattern);
  expect(readdirSync(path.join(dir, 'dist'))).toEqual([`${FIXTURE_SLUG}.epub`]);
  expect(readFileSync(path.join(dir, 'dist', `${FIXTURE_SLUG}.epub`)).equals(PREVIOUS)).toBe(true);
  expect(result.stderr + result.stdout).not.toContain(SECRET);
  expect(result.stderr).not.toMatch(/internal error/);
  return result;
}

const link = (target: string, at: string): void => {
  rmSync(at, { force: true });
  symlinkSync(target, at);
};

describe('links that lead outside the book', () => {
  it('a chapter that is a symbolic link to a file outside the book', () => {
    const dir = book();
    link(path.join(outside, 'rota.md'), path.join(dir, 'chapters', '02-the-log.md'));
    expectRefused(dir, /chapters\/02-the-log\.md: this chapter is a symbolic link to .*outside\/rota\.md, outside the book folder/);
  });

  it('a chapter linked to /etc/hostname', () => {
    const dir = book();
    link('/etc/hostname', path.join(dir, 'chapters', '04-host.md'));
    expectRefused(dir, /chapters\/04-host\.md: this chapter is a symbolic link to \/etc\/hostname, outside the book folder/);
  });

  it('images linked outside, in Markdown and in raw HTML, each at its line', () => {
    const dir = book();
    link(LAMP, path.join(dir, 'chapters', 'images', 'lamp.png'));
    link(LAMP, path.join(dir, 'chapters', 'images', 'lens.png'));
    const log = readFileSync(path.join(dir, 'chapters', '02-the-log.md'), 'utf8');
    writeFileSync(path.join(dir, 'chapters', '02-the-log.md'), log.replace('> "Lit at dusk', '<img src="images/lens.png" alt="The lens, uncovered at dusk">\n\n> "Lit at dusk'));
    const result = expectRefused(dir, /01-the-lamp\.md:5: image "images\/lamp\.png" is a symbolic link to .*lamp-outside\.png, outside the book folder/);
    expect(result.stderr).toMatch(/02-the-log\.md:11: image "images\/lens\.png" is a symbolic link to .*lamp-outside\.png, outside the book folder/);
  });

  it('an image in a linked folder that leads outside', () => {
    const dir = book();
    const pictures = path.join(outside, 'pictures');
    mkdirSync(pictures, { recursive: true });
    writeFileSync(path.join(pictures, 'lamp.png'), readFileSync(path.join(dir, 'chapters', 'images', 'lamp.png')));
    rmSync(path.join(dir, 'chapters', 'images'), { recursive: true });
    symlinkSync(pictures, path.join(dir, 'chapters', 'images'));
    expectRefused(dir, /01-the-lamp\.md:5: image "images\/lamp\.png" leads, through a linked folder, to .*pictures\/lamp\.png, outside the book folder/);
  });

  it('a template the book overrides with a link outside', () => {
    const dir = book();
    mkdirSync(path.join(dir, 'templates', 'print'), { recursive: true });
    symlinkSync(path.join(outside, 'part.html.hbs'), path.join(dir, 'templates', 'print', 'part.html.hbs'));
    expectRefused(dir, /templates\/print\/part\.html\.hbs: this template is a symbolic link to .*outside\/part\.html\.hbs, outside the book folder/);
  });

  it('a templates folder that is a link outside', () => {
    const dir = book();
    symlinkSync(outside, path.join(dir, 'templates'));
    expectRefused(dir, /templates\/: .*outside, outside the book folder/);
  });

  it('a stylesheet the book overrides with a link outside', () => {
    const dir = book();
    mkdirSync(path.join(dir, 'assets', 'css'), { recursive: true });
    symlinkSync(path.join(outside, 'epub.css'), path.join(dir, 'assets', 'css', 'epub.css'));
    expectRefused(dir, /assets\/css\/epub\.css: this file is a symbolic link to .*outside\/epub\.css, outside the book folder/);
  });

  it('book.yaml and the cover image linked outside', () => {
    writeFileSync(path.join(outside, 'book.yaml'), readFileSync(path.join(FIXTURE_BOOK, 'book.yaml')));
    const dir = book();
    link(path.join(outside, 'book.yaml'), path.join(dir, 'book.yaml'));
    expectRefused(dir, /book\.yaml: book\.yaml is a symbolic link to .*outside\/book\.yaml, outside the book folder/);

    const covered = book();
    writeFileSync(path.join(covered, 'book.yaml'), `${readFileSync(path.join(covered, 'book.yaml'), 'utf8')}cover:\n  image: cover.png\n`);
    symlinkSync(LAMP, path.join(covered, 'cover.png'));
    expectRefused(covered, /book\.yaml: cover\.image: cover\.png is a symbolic link to .*lamp-outside\.png, outside the book folder/);
  });
});

describe('things that are not files', () => {
  it('a folder named like a chapter', () => {
    const dir = book();
    mkdirSync(path.join(dir, 'chapters', '02-x.md'));
    expectRefused(dir, /chapters\/02-x\.md: this chapter is a folder, not a file/);
  });

  it('an image that is a FIFO is refused without being opened (opening one would block)', () => {
    const dir = book();
    rmSync(path.join(dir, 'chapters', 'images', 'lamp.png'));
    execFileSync('mkfifo', [path.join(dir, 'chapters', 'images', 'lamp.png')]);
    expectRefused(dir, /01-the-lamp\.md:5: image "images\/lamp\.png" is a FIFO \(named pipe\), not a file/);
  });

  it('a template that is a FIFO', () => {
    const dir = book();
    mkdirSync(path.join(dir, 'templates', 'epub'), { recursive: true });
    execFileSync('mkfifo', [path.join(dir, 'templates', 'epub', 'section.hbs')]);
    expectRefused(dir, /templates\/epub\/section\.hbs: this template is a FIFO \(named pipe\), not a file/);
  });

  it('a symbolic link that leads round in a loop', () => {
    const dir = book();
    symlinkSync('02-loop.md', path.join(dir, 'chapters', '02-loop.md'));
    expectRefused(dir, /chapters\/02-loop\.md: this chapter is a symbolic link that leads round in a loop/);
  });

  it('a broken link where a chapter should be', () => {
    const dir = book();
    symlinkSync('../drafts/gone.md', path.join(dir, 'chapters', '04-gone.md'));
    expectRefused(dir, /chapters\/04-gone\.md: this chapter is a symbolic link to .*drafts\/gone\.md, which does not exist/);
  });
});

describe('links inside the book', () => {
  it('are followed: a chapter and an image kept elsewhere in the book build as usual', async () => {
    const dir = book();
    mkdirSync(path.join(dir, 'drafts', 'art'), { recursive: true });
    renameSync(path.join(dir, 'chapters', '02-the-log.md'), path.join(dir, 'drafts', 'log.md'));
    symlinkSync('../drafts/log.md', path.join(dir, 'chapters', '02-the-log.md'));
    renameSync(path.join(dir, 'chapters', 'images', 'lamp.png'), path.join(dir, 'drafts', 'art', 'lamp-2024.png'));
    symlinkSync('../../drafts/art/lamp-2024.png', path.join(dir, 'chapters', 'images', 'lamp.png'));
    const result = runCli(dir, ['--format', 'epub']);
    expect(result.status, result.stderr).toBe(0);
    const entries = await readZip(path.join(dir, 'dist', `${FIXTURE_SLUG}.epub`));
    expect(text(entries, 'EPUB/text/the-log.xhtml')).toContain('inspected every quarter by the district superintendent');
    // The image keeps the name the chapter gives it.
    expect(entries.some((e) => e.name === 'EPUB/images/lamp.png')).toBe(true);
  });
});
