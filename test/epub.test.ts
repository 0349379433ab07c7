import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readZip, text } from './helpers/epub.ts';
import { epubcheckTs, javaEpubcheck } from './helpers/epubcheck.ts';
import { runAce } from './helpers/ace.ts';
import { FIXTURE_OUT, FIXTURE_SLUG, REPO_OUT, REPO_SLUG } from './helpers/paths.ts';

const books = [
  { name: 'fixture book', file: path.join(FIXTURE_OUT, `${FIXTURE_SLUG}.epub`), chapters: ['preface', 'the-lamp', 'the-log', 'bibliography'] },
  { name: 'Try Again', file: path.join(REPO_OUT, `${REPO_SLUG}.epub`), chapters: ['prologue', 'hyderabad', 'fair', 'epilogue', 'bibliography'] },
];

describe.each(books)('EPUB of the $name', ({ file, chapters }) => {
  it('starts with an uncompressed mimetype and has a container pointing at the package', async () => {
    const entries = await readZip(file);
    expect(entries[0]!.name).toBe('mimetype');
    expect(entries[0]!.method).toBe(0);
    expect(entries[0]!.extraFieldLength).toBe(0);
    expect(entries[0]!.data.toString()).toBe('application/epub+zip');
    expect(text(entries, 'META-INF/container.xml')).toContain('full-path="EPUB/package.opf"');
  });

  it('has a package document with identifier, title, language, modified date, and every chapter in the spine', async () => {
    const entries = await readZip(file);
    const opf = text(entries, 'EPUB/package.opf');
    expect(opf).toMatch(/<dc:identifier id="book-id">urn:uuid:[0-9a-f-]{36}<\/dc:identifier>/);
    expect(opf).toMatch(/<dc:title id="title">[^<]+<\/dc:title>/);
    expect(opf).toMatch(/<dc:language>[a-z]{2}(-[A-Z]{2})?<\/dc:language>/);
    expect(opf).toMatch(/<meta property="dcterms:modified">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/meta>/);
    expect(opf).toContain('properties="nav"');
    const spine = [...opf.matchAll(/<itemref idref="([^"]+)"/g)].map((m) => m[1]);
    for (const chapter of chapters) {
      expect(spine).toContain(chapter);
      expect(entries.some((e) => e.name === `EPUB/text/${chapter}.xhtml`)).toBe(true);
    }
  });

  it('has a navigation document that lists every chapter', async () => {
    const entries = await readZip(file);
    const nav = text(entries, 'EPUB/nav.xhtml');
    expect(nav).toContain('epub:type="toc"');
    expect(nav).toContain('epub:type="landmarks"');
    for (const chapter of chapters) expect(nav).toContain(`href="text/${chapter}.xhtml`);
  });

  it('marks notes as pop-up footnotes linked both ways', async () => {
    const entries = await readZip(file);
    const doc = text(entries, `EPUB/text/${chapters[1]}.xhtml`);
    const ref = /<a class="noteref" epub:type="noteref" role="doc-noteref" id="([^"]+)" href="#([^"]+)">/.exec(doc);
    expect(ref).not.toBeNull();
    expect(doc).toContain(`<aside id="${ref![2]}" class="note" epub:type="footnote" role="doc-footnote">`);
    expect(doc).toContain(`href="#${ref![1]}" role="doc-backlink"`);
  });

  it('passes Debian EPUBCheck with no error and no warning', () => {
    const result = javaEpubcheck(file);
    expect(result.errors, result.output).toBe(0);
    expect(result.warnings, result.output).toBe(0);
  });

  it('passes epubcheck-ts (EPUB 3.3 rules) with no error and no warning', () => {
    const result = epubcheckTs(file);
    expect(result.errors, result.output).toBe(0);
    expect(result.warnings, result.output).toBe(0);
  });
});

describe('EPUB images', () => {
  it('carries the fixture image, resized for screens and with its alt text', async () => {
    const entries = await readZip(path.join(FIXTURE_OUT, `${FIXTURE_SLUG}.epub`));
    expect(entries.some((e) => e.name === 'EPUB/images/lamp.png')).toBe(true);
    const doc = text(entries, 'EPUB/text/the-lamp.xhtml');
    expect(doc).toContain('<img src="../images/lamp.png" alt="A drawing of a lighthouse lamp with its lens" />');
  });
});

describe.each(books)('accessibility of the $name EPUB', ({ file }) => {
  it('has no violation under DAISY Ace', () => {
    const result = runAce(file);
    expect(result.violations, JSON.stringify(result.violations, null, 1)).toEqual([]);
    expect(result.outcome).toBe('pass');
  });

  it('declares its accessibility metadata', async () => {
    const opf = text(await readZip(file), 'EPUB/package.opf');
    for (const property of ['schema:accessMode', 'schema:accessModeSufficient', 'schema:accessibilityFeature', 'schema:accessibilityHazard', 'schema:accessibilitySummary']) {
      expect(opf).toContain(`property="${property}"`);
    }
    expect(opf).toContain('<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.2 Level AA</meta>');
  });
});

describe.each(books)('cover of the $name EPUB', ({ file }) => {
  it('is a 1563 × 2500 JPEG declared as the cover image, shown on the first page of the spine', async () => {
    const entries = await readZip(file);
    const opf = text(entries, 'EPUB/package.opf');
    expect(opf).toMatch(/<item id="cover-image" href="images\/cover\.jpg" media-type="image\/jpeg" properties="cover-image"\/>/);
    const { default: sharp } = await import('sharp');
    const meta = await sharp(entries.find((e) => e.name === 'EPUB/images/cover.jpg')!.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1563, 2500]);
    expect(opf.indexOf('<itemref idref="cover"')).toBeGreaterThan(0);
    expect(opf.indexOf('<itemref idref="cover"')).toBeLessThan(opf.indexOf('<itemref idref="title-page"'));
    expect(text(entries, 'EPUB/text/cover.xhtml')).toContain('<img src="../images/cover.jpg" alt="Cover: ');
  });

  it('is small: under 1 MB with everything in it', async () => {
    const { statSync } = await import('node:fs');
    expect(statSync(file).size).toBeLessThan(1024 * 1024);
  });
});
