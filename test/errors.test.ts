/** Bad input gets a clear message naming file and line, a non-zero exit, and no stack trace. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/paths.ts';
import { badBooks, expectError, runCli, type CliResult } from './helpers/bad-books.ts';

const { scratch, bookWith, cleanUp } = badBooks('bad-books');
afterAll(cleanUp);

const build = (dir: string, formats = 'epub'): CliResult => runCli(dir, ['--format', formats]);

const yaml = (extra: string): string => `title: A Book\nauthors: Someone\n${extra}`;

describe('book.yaml problems', () => {
  it('a missing book.yaml', () => expectError(build(bookWith({ 'book.yaml': null })), /book\.yaml: no book\.yaml found/));
  it('an empty book.yaml', () => expectError(build(bookWith({ 'book.yaml': '' })), /book\.yaml:1: book\.yaml is empty/));
  it('text that is not YAML', () =>
    expectError(build(bookWith({ 'book.yaml': 'title: A Book\nauthors: [unclosed\nlanguage: en\n' })), /book\.yaml:\d+: not valid YAML/));
  it('a field of the wrong type, with its line', () =>
    expectError(build(bookWith({ 'book.yaml': yaml('subjects: 12\n') })), /book\.yaml:3: subjects: .*expected array/i));
  it('a required field missing', () => expectError(build(bookWith({ 'book.yaml': 'authors: Someone\n' })), /title is required/));
  it('an unknown field, named with its line', () =>
    expectError(build(bookWith({ 'book.yaml': yaml('colour: blue\n') })), /book\.yaml:3: unknown field colour/));
  it('a trim size no printer offers', () =>
    expectError(build(bookWith({ 'book.yaml': yaml('print:\n  trim: { width: 2, height: 3 }\n') })), /book\.yaml:4: print\.trim/));
});

describe('chapter problems', () => {
  it('an image that does not exist', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '# Lamp\n\nText.\n\n![A lamp](images/nope.png)\n' })), /chapters\/01-the-lamp\.md:5: image "images\/nope\.png" not found/));
  it('an image outside the book folder', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '# Lamp\n\n![A file](../../../etc/passwd)\n' })), /01-the-lamp\.md:3: image .* outside the book folder/));
  it('an image without alt text', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '# Lamp\n\n![](images/lamp.png)\n' })), /01-the-lamp\.md:3: image .* has no alt text/));
  it('a link to an id that does not exist', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '# Lamp\n\nSee\n[nowhere](#no-such-place).\n' })), /01-the-lamp\.md:4: link to "#no-such-place"/));
  it('two elements with the same id', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '# Lamp\n\n## One {#same}\n\n## Two {#same}\n' })), /01-the-lamp\.md:5: id "same" is already used at chapters\/01-the-lamp\.md:3/));
  it('a note defined but never used', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '# Lamp\n\nText.\n\n[^lost]: Never referenced.\n' })), /01-the-lamp\.md:5: note \[\^lost\] is defined but never referenced/));
  it('a note used but never defined', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '# Lamp\n\nText.[^ghost]\n' })), /01-the-lamp\.md:3: note \[\^ghost\] is referenced but never defined/));
  it('a citation of an entry the bibliography does not have', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '# Lamp\n\nText.[^n]\n\n[^n]: See [@nobody-1900].\n' })), /01-the-lamp\.md:5: citation \[@nobody-1900\] names no bibliography entry/));
  it('an {#id} that markdown-it-attrs cannot attach', () =>
    expectError(
      build(bookWith({ 'chapters/03-bibliography.md': '---\nkind: bibliography\n---\n# Bibliography\n\n- **K, 1890.** A "quoted *em*." {#keeper-1890}\n- **C, 1902.** Report. {#coast-1902}\n' })),
      /03-bibliography\.md:6: the attribute \{#keeper-1890\} could not be attached/,
    ));
  it('broken front matter', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '---\nkind: [chapter\n---\n# Lamp\n' })), /01-the-lamp\.md:\d+: front matter is not valid YAML/));
  it('a front matter kind the builder does not know', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '---\nkind: interlude\n---\n# Lamp\n' })), /01-the-lamp\.md:2: front matter kind/));
  it('a file that is not UTF-8', () => {
    const dir = bookWith({});
    writeFileSync(path.join(dir, 'chapters', '01-the-lamp.md'), Buffer.from([0x23, 0x20, 0x4c, 0x0a, 0x0a, 0xff, 0xfe, 0x41, 0x0a]));
    expectError(build(dir), /01-the-lamp\.md:3: not UTF-8/);
  });
});

describe('a failed build', () => {
  it('leaves the previous outputs exactly as they were', () => {
    const dir = bookWith({});
    expect(build(dir).status).toBe(0);
    const out = path.join(dir, 'dist');
    const before = Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(path.join(out, f))]));
    writeFileSync(path.join(dir, 'chapters', '02-the-log.md'), '# Log\n\n![Missing](missing.png)\n');
    expectError(build(dir), /02-the-log\.md:3/);
    expect(readdirSync(out).sort()).toEqual(Object.keys(before).sort());
    for (const [name, bytes] of Object.entries(before)) expect(readFileSync(path.join(out, name)).equals(bytes), name).toBe(true);
  });
});

describe('hostile content in a chapter', () => {
  it('is built without scripts, frames, handlers, styles, refreshes or remote loads', async () => {
    const hostile = [
      '# Lamp',
      '',
      'Text with <b onclick="alert(1)">a handler</b> and <span style="color:red">a style</span>.',
      '',
      '<script>document.body.innerHTML = "owned"</script>',
      '<iframe src="https://example.com/"></iframe>',
      '<link rel="stylesheet" href="https://example.com/x.css">',
      '<style>@import url("https://example.com/y.css");</style>',
      '<meta http-equiv="refresh" content="0; url=https://example.com/">',
      // (A remote or escaping <img> is an error with its line now: test/figures.test.ts.)
      '<ol reversed start="3"><li>A list with a boolean attribute</li></ol>',
      '<p>A<br>break, <abbr title="Trinity House">TH</abbr> &nbsp; &copy; <input disabled> <details open>x</details></p>',
      '<div><p>An unclosed paragraph',
      '',
      'After the unclosed tags.',
    ].join('\n');
    const dir = bookWith({ 'chapters/01-the-lamp.md': hostile });
    const result = build(dir, 'epub,pdf');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/refused/); // nothing dangerous even reached the browser
    const { readZip, text } = await import('./helpers/epub.ts');
    const entries = await readZip(path.join(dir, 'dist', 'the-lighthouse-keepers-almanac.epub'));
    const chapter = text(entries, 'EPUB/text/the-lamp.xhtml');
    for (const bad of ['<script', '<iframe', 'onclick', 'http-equiv', '@import', 'x.css', 'example.com', 'etc/hosts', 'style="color']) {
      expect(chapter, bad).not.toContain(bad);
    }
    expect(chapter).toContain('a handler');
    expect(chapter).toContain('After the unclosed tags.');
    expect(entries.some((e) => /\.js$/.test(e.name))).toBe(false);
    // What is left of the raw HTML is still well-formed XHTML.
    const { javaEpubcheck } = await import('./helpers/epubcheck.ts');
    const check = javaEpubcheck(path.join(dir, 'dist', 'the-lighthouse-keepers-almanac.epub'));
    expect(check.errors, check.output).toBe(0);
  });
});

describe('the browser', () => {
  const run = (dir: string, env: Record<string, string>): CliResult => runCli(dir, ['--format', 'pdf'], env);

  it('named but missing: says where it looked', () => {
    expectError(run(bookWith({}), { EBOOK_BROWSER: '/no/such/chrome' }), /EBOOK_BROWSER=\/no\/such\/chrome, but there is no file there/);
  });

  it('failing to start: says so', () => {
    expectError(run(bookWith({}), { EBOOK_BROWSER: '/bin/false' }), /the browser at \/bin\/false failed to start/);
  });

  it('hanging at start: gives up after the time limit', () => {
    const hang = path.join(scratch, 'hang.sh');
    writeFileSync(hang, '#!/bin/sh\nsleep 60\n', { mode: 0o755 });
    expectError(run(bookWith({}), { EBOOK_BROWSER: hang, EBOOK_TIMEOUT: '3' }), /failed to start/);
  });

  it('crashing in the middle of the layout: stops, says what happened, and changes no output', () => {
    const dir = bookWith({});
    expect(run(dir, {}).status).toBe(0);
    const out = path.join(dir, 'dist');
    const before = Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(path.join(out, f))]));
    // A browser that is killed shortly after it starts, while the parts are being laid out.
    const crashing = path.join(scratch, 'crashing.sh');
    const real = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser || command -v google-chrome'], { encoding: 'utf8' }).stdout.trim() || '/usr/bin/chromium';
    writeFileSync(crashing, `#!/bin/sh\n"${real}" "$@" &\npid=$!\nsleep 1.2\nkill -9 $pid\nwait $pid\n`, { mode: 0o755 });
    const result = run(dir, { EBOOK_BROWSER: crashing, EBOOK_TIMEOUT: '20' });
    expectError(result, /browser (quit|is no longer running|failed)/);
    expect(readdirSync(out).sort()).toEqual(Object.keys(before).sort());
    for (const [name, bytes] of Object.entries(before)) expect(readFileSync(path.join(out, name)).equals(bytes), name).toBe(true);
  });

  it('refuses every request for the network or for files outside the book, and reports it', () => {
    const css = '@import url("https://example.com/remote.css");\nbody { background-image: url("file:///etc/hostname"); }\n';
    const dir = bookWith({});
    mkdirSync(path.join(dir, 'assets', 'css'), { recursive: true });
    writeFileSync(path.join(dir, 'assets', 'css', 'print.css'), css + readFileSync(path.join(ROOT, 'assets', 'css', 'print.css'), 'utf8'));
    const result = run(dir, {});
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/tried to load https:\/\/example\.com\/remote\.css.*refused/);
    expect(result.stderr).toMatch(/tried to load file:\/\/\/etc\/hostname.*refused/);
  });
});

describe('the command line', () => {
  it('refuses an unknown option or format, with exit code 2', () => {
    const dir = bookWith({});
    const option = runCli(dir, ['--bok', 'x']);
    expect(option.status).toBe(2);
    expect(option.stderr).toContain('unknown option --bok');
    const format = runCli(dir, ['--format', 'pdf,mobi']);
    expect(format.status).toBe(2);
    expect(format.stderr).toContain('unknown format mobi');
  });
});

describe('notes and YAML, at the line to fix', () => {
  it('a note defined twice, at the second definition', () =>
    expectError(
      build(bookWith({ 'chapters/02-the-log.md': '# The Log\n\nThe lamp was lit at dusk.[^dusk]\n\n[^dusk]: By the almanac.\n\nAnd put out at dawn.\n\n[^dusk]: By the clock in the watch room.\n' })),
      /02-the-log\.md:9: note \[\^dusk\] is defined twice, at lines 5 and 9/,
    ));
  it('a front matter never closed, at line 1 where it opens', () =>
    expectError(
      build(bookWith({ 'chapters/02-the-log.md': '---\nkind: chapter\n\n# The Log\n\nThe lamp was lit at dusk.\n\nAnd put out at dawn.\n' })),
      /02-the-log\.md:1: the front matter opened by "---" on this line is never closed/,
    ));
  it('a bad value in front matter, at its own line rather than where the parser gave up', () =>
    expectError(
      build(bookWith({ 'chapters/02-the-log.md': '---\ntitle: [First Light\nkind: chapter\n---\n\nThe lamp was lit at dusk.\n' })),
      /02-the-log\.md:2: front matter is not valid YAML: title: the list opened with \[ is never closed/,
    ));
  it('an unclosed quotation mark in front matter, at its line', () =>
    expectError(
      build(bookWith({ 'chapters/02-the-log.md': '---\nkind: chapter\ntitle: "The Log\nid: the-log\n---\n\nThe lamp was lit at dusk.\n' })),
      /02-the-log\.md:3: front matter is not valid YAML: title: the quotation mark " that opens the value is never closed/,
    ));
  it('a key given twice in front matter, named with both lines', () =>
    expectError(
      build(bookWith({ 'chapters/02-the-log.md': '---\ntitle: First Light\nkind: chapter\nid: first-light\n\ntitle: Second Light\n---\n\nThe lamp was lit at dusk.\n' })),
      /02-the-log\.md:6: title is given twice, lines 2 and 6/,
    ));
  it('a key given twice in book.yaml, top level and nested, named with both lines', () => {
    const result = build(bookWith({ 'book.yaml': 'title: A Book\nauthors: Someone\nprint:\n  trim: 6x9\n  trim: 5x8\nlanguage: en\ntitle: Another Book\n' }));
    expectError(result, /book\.yaml:7: title is given twice, lines 1 and 7/);
    expect(result.stderr).toMatch(/book\.yaml:5: print\.trim is given twice, lines 4 and 5/);
  });
  it('a bad value in book.yaml, at its line', () =>
    expectError(build(bookWith({ 'book.yaml': 'title: A Book\nsubtitle: [Notes\nauthors: Someone\nlanguage: en\n' })), /book\.yaml:2: not valid YAML: subtitle: the list opened with \[ is never closed/));
});
