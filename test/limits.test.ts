/** Odd and oversized input, and output folders that cannot be written. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { badBooks, expectError, runCli, type CliResult } from './helpers/bad-books.ts';
import { readZip, text } from './helpers/epub.ts';

const { scratch, bookWith, cleanUp } = badBooks('limits');
afterAll(cleanUp);

const build = (dir: string, args?: string[]): CliResult => runCli(dir, args);

/** A PNG of the given size with only its first row of pixels: enough for a size check, a few bytes on disk. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(width + 1))), chunk('IEND', Buffer.alloc(0))]);
}

const withImage = (name: string, data: Buffer | string, markdownPath = `images/${name}`): Record<string, string | Buffer> => ({
  [`chapters/images/${name}`]: data,
  'chapters/01-the-lamp.md': `# Lamp\n\nText.\n\n![A picture](${markdownPath})\n`,
});

describe('images', () => {
  it('a zero-byte file', () => expectError(build(bookWith(withImage('empty.png', Buffer.alloc(0)))), /01-the-lamp\.md:5: image empty\.png is an empty file/));
  it('a corrupt file', () =>
    expectError(build(bookWith(withImage('broken.png', Buffer.from('this is not a PNG at all')))), /01-the-lamp\.md:5: image broken\.png cannot be read/));
  it('a 20,000 × 20,000 px PNG', () =>
    expectError(build(bookWith(withImage('huge.png', pngHeader(20000, 20000)))), /01-the-lamp\.md:5: image huge\.png is 20000 × 20000 px \(400 Mpx\)/));
  it('an SVG with a script', () =>
    expectError(
      build(bookWith(withImage('evil.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'))),
      /01-the-lamp\.md:5: image evil\.svg is an SVG with a script/,
    ));
  it('an absolute path', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '# Lamp\n\n![Passwords](/etc/passwd)\n' })), /01-the-lamp\.md:3: image "\/etc\/passwd" is an absolute path/));
  it('a remote URL', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '# Lamp\n\n![Remote](https://example.com/a.png)\n' })), /01-the-lamp\.md:3: image "https:\/\/example\.com\/a\.png" is not a file in the book/));
});

describe('chapters', () => {
  it('an empty chapter: says it needs a title', () =>
    expectError(build(bookWith({ 'chapters/01-the-lamp.md': '' })), /01-the-lamp\.md:1: this file has no title/));

  it('a byte order mark is ignored', async () => {
    const dir = bookWith({ 'chapters/01-the-lamp.md': '\uFEFF---\nkind: chapter\n---\n# Lamp With a BOM\n\nText.\n' });
    expect(build(dir).status).toBe(0);
    const nav = text(await readZip(path.join(dir, 'dist', 'the-lighthouse-keepers-almanac.epub')), 'EPUB/nav.xhtml');
    expect(nav).toContain('Lamp With a BOM');
  });

  it('a chapter of 50,000 lines builds', async () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => (i % 5 === 4 ? '' : `Line ${i} of a very long chapter, with some words to wrap.`));
    const dir = bookWith({ 'chapters/01-the-lamp.md': `# A Long Chapter\n\n${lines.join('\n')}\n` });
    const result = build(dir);
    expect(result.status, result.stderr).toBe(0);
    const chapter = text(await readZip(path.join(dir, 'dist', 'the-lighthouse-keepers-almanac.epub')), 'EPUB/text/the-lamp.xhtml');
    expect(chapter).toContain('Line 49998 of a very long chapter');
  });

  it('one paragraph of 2 MB builds, PDFs too, set ragged-right with a warning', async () => {
    const words = 'lighthouse keeper lamp lens wick tower sea watch log ';
    const paragraph = words.repeat(Math.ceil(2_000_000 / words.length));
    const dir = bookWith({ 'chapters/01-the-lamp.md': `# One Paragraph\n\n${paragraph}\n` });
    const result = build(dir, ['--format', 'epub,print']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/01-the-lamp\.md: a paragraph of \d+ characters at line 3: set ragged-right/);
    expect(Number(/print interior: (\d+) pages/.exec(result.stdout)?.[1])).toBeGreaterThan(1000);
    const entries = await readZip(path.join(dir, 'dist', 'the-lighthouse-keepers-almanac.epub'));
    expect(text(entries, 'EPUB/text/the-lamp.xhtml').length).toBeGreaterThan(2_000_000);
  });
});

describe('the output folder', () => {
  it('a file where the folder should be', () => {
    const dir = bookWith({});
    writeFileSync(path.join(dir, 'dist'), 'not a folder');
    expectError(build(dir), /cannot use the output folder .*dist/);
  });

  // Mounting needs root and a sandbox that allows it: try once, and run these two only where it works.
  const canMount = ((): boolean => {
    const probe = path.join(scratch, 'mount-probe');
    mkdirSync(probe);
    const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', probe]).status === 0;
    if (ok) spawnSync('umount', [probe]);
    return ok;
  })();

  it.runIf(canMount)('a read-only folder (a read-only bind mount; chmod does not stop root)', () => {
    const dir = bookWith({});
    const out = path.join(scratch, "read-only-out");
    mkdirSync(out);
    const mounted = spawnSync('mount', ['--bind', '-o', 'ro', out, out]).status === 0 || spawnSync('mount', ['-o', 'remount,ro,bind', out]).status === 0;
    expect(mounted, 'could not make a read-only mount').toBe(true);
    try {
      expectError(build(dir, ['--format', 'epub', '--out', out]), /cannot write .*(read-only|EROFS)/i);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      spawnSync('umount', [out]);
    }
  });

  it.runIf(canMount)('a full disk (a 64 KiB tmpfs): an error, and no partial file left', () => {
    const dir = bookWith({});
    const out = path.join(scratch, "full-disk-out");
    mkdirSync(out);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', out]).status).toBe(0);
    try {
      writeFileSync(path.join(out, 'ballast'), Buffer.alloc(60 * 1024));
      expectError(build(dir, ['--format', 'epub,pdf', '--out', out]), /cannot write .*(ENOSPC|no space)/i);
      expect(readdirSync(out)).toEqual(['ballast']);
    } finally {
      spawnSync('umount', [out]);
    }
  });
});
