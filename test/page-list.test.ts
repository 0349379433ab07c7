/** The EPUB's page list points at the places where the print edition's pages really begin. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readZip, text } from './helpers/epub.ts';
import { openPdfjs, pageTexts } from './helpers/pdf.ts';
import { REPO_OUT, REPO_SLUG } from './helpers/paths.ts';

const words = (s: string): string =>
  s
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();

describe('EPUB page list of Try Again', () => {
  it('names the print edition as the source of its pagination and declares page navigation', async () => {
    const opf = text(await readZip(path.join(REPO_OUT, `${REPO_SLUG}.epub`)), 'EPUB/package.opf');
    expect(opf).toMatch(/<dc:source id="print-source">[^<]+<\/dc:source>\s*<meta refines="#print-source" property="source-of">pagination<\/meta>/);
    expect(opf).toContain('<meta property="schema:accessibilityFeature">pageNavigation</meta>');
  });

  it('has a marker for most printed pages, each before text that is on that page of the PDF', async () => {
    const entries = await readZip(path.join(REPO_OUT, `${REPO_SLUG}.epub`));
    const nav = text(entries, 'EPUB/nav.xhtml');
    const list = [...nav.slice(nav.indexOf('epub:type="page-list"')).matchAll(/<a href="text\/([^"#]+)#page-([^"]+)">([^<]+)<\/a>/g)];
    const doc = await openPdfjs(path.join(REPO_OUT, `${REPO_SLUG}.pdf`));
    const labels = (await doc.getPageLabels())!;
    // Compared without spaces: letter-spaced small caps come out of the PDF as "c h a p t e r".
    const texts = (await pageTexts(doc)).map((t) => words(t.replace(/-\n/g, '')).replace(/ /g, ''));
    const arabic = labels.filter((l) => /^\d+$/.test(l)).length;
    expect(list.length).toBeGreaterThan(arabic / 2);
    let checked = 0;
    for (const [, file, id, label] of list) {
      expect(id).toBe(label);
      const xhtml = text(entries, `EPUB/text/${file}`);
      const at = xhtml.indexOf(`id="page-${label}"`);
      expect(at, `marker page-${label} in ${file}`).toBeGreaterThan(0);
      const following = words(xhtml.slice(at).replace(/^[^>]*>/, '')).split(' ').slice(0, 3).join(' ');
      const page = labels.indexOf(label!);
      expect(page, `a PDF page labelled ${label}`).toBeGreaterThan(0);
      expect(texts[page], `page ${label} should contain “${following}”`).toContain(following.replace(/ /g, ''));
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});
