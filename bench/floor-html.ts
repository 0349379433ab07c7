/**
 * The floor's input: the whole book as ONE HTML document — the same rendered chapters (from the
 * builder's model), the same stylesheet, fonts, hyphenation and page size — without the parts,
 * folio counter styles, contents or assembly. Chromium printing it is what a build cannot beat.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../build/config/load-config.ts';
import { loadSources } from '../build/sources/load-sources.ts';
import { buildModel } from '../build/model/build-model.ts';
import type { Book, Section } from '../build/model/book.ts';
import { hyphenatorFor } from '../build/render/hyphenate.ts';
import { fontFaceCss, fontFamilyValue, fontStackFor } from '../build/fonts.ts';
import { pageGeometry } from '../build/render/page-geometry.ts';
import { resolveAsset } from '../build/assets.ts';

export async function loadBook(bookDir: string): Promise<Book> {
  const config = await loadConfig(path.join(bookDir, 'book.yaml'));
  return buildModel(config, bookDir, await loadSources(bookDir));
}

export function singleDocumentHtml(book: Book): string {
  const hyphenate = hyphenatorFor(book.config.language) ?? ((html: string) => html);
  const fonts = fontStackFor(book.config.language);
  const family = fontFamilyValue(fonts);
  const g = pageGeometry(book.config.print, 0);
  const title = JSON.stringify(book.config.title);
  const bibliography = book.sections.find((s) => s.kind === 'bibliography');

  const body: string[] = [];
  for (const section of book.sections) {
    if (section === bibliography) body.push(notesHtml(book, hyphenate));
    body.push(sectionHtml(section, hyphenate));
  }
  if (!bibliography) body.push(notesHtml(book, hyphenate));
  const bodyHtml = body.join('\n');

  return `<!DOCTYPE html>
<html lang="${book.config.language}">
<head>
<meta charset="utf-8">
<title>${book.config.title}</title>
<style>
${fontFaceCss(fonts, bodyHtml + book.config.title)}
</style>
<link rel="stylesheet" href="${pathToFileURL(resolveAsset(book.bookDir, 'css/print.css')).href}">
<style>
:root { --text-font: ${family}; --page-width: ${g.width}in; --page-height: ${g.height}in; --content-height: calc(${g.height}in - ${g.top}in - ${g.bottom}in); }
@page { size: ${g.width}in ${g.height}in; margin: ${g.top}in ${g.outside}in ${g.bottom}in ${g.inside}in;
  @top-center { font-family: ${family}; content: ${title}; }
  @bottom-center { font-family: ${family}; content: counter(page); } }
@page :left { margin-left: ${g.outside}in; margin-right: ${g.inside}in; }
@page :right { margin-left: ${g.inside}in; margin-right: ${g.outside}in; }
@page :first { @top-center { content: none; } }
.section, .notes { break-before: right; }
</style>
</head>
<body class="part role-section">
${bodyHtml}
</body>
</html>
`;
}

function sectionHtml(s: Section, hyphenate: (html: string) => string): string {
  return `<section class="section kind-${s.kind}" id="${s.id}">
<header class="section-opener">${s.number ? `<p class="section-number">Chapter ${s.number}</p>` : ''}<h1 class="section-title">${s.titleHtml}</h1></header>
<div class="section-body">
${hyphenate(s.bodyHtml)}
</div>
</section>`;
}

function notesHtml(book: Book, hyphenate: (html: string) => string): string {
  const groups = book.sections
    .filter((s) => s.notes.length > 0)
    .map(
      (s) => `<section class="note-group" id="notes-${s.id}">
<h2 class="note-group-title">${s.number ? `Chapter ${s.number}: ` : ''}${s.title}</h2>
<ol class="note-list">
${s.notes.map((n) => `<li class="note" id="${n.id}" value="${n.number}"><a class="note-number" href="#${n.refIds[0]}">${n.number}.</a> ${hyphenate(n.html)}</li>`).join('\n')}
</ol>
</section>`,
    );
  return `<section class="notes" id="notes"><header class="section-opener"><h1 class="section-title">Notes</h1></header>
<div class="section-body">
${groups.join('\n')}
</div>
</section>`;
}
