/**
 * Turns parsed sources into the Book model: numbers the chapters, gives every section and heading
 * an id, resolves citations, images and internal links, and rejects what cannot be resolved.
 */
import path from 'node:path';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import GithubSlugger from 'github-slugger';
import { BookError, throwIfAny } from '../errors.ts';
import { didYouMean } from '../messages/suggest.ts';
import { requireBookFile } from '../sources/safe-path.ts';
import type { ResolvedConfig } from '../config/load-config.ts';
import type { SourceFile } from '../sources/load-sources.ts';
import { divisionOf } from '../sources/front-matter.ts';
import { createMarkdown } from '../markdown/markdown-it.ts';
import { parseSection, xmlName, type ImageRef, type ParsedSection } from '../markdown/parse.ts';
import { renderSection, type RenderContext } from '../markdown/render.ts';
import { inlineSvg } from '../markdown/inline-svg.ts';
import { codeWarningsOf } from '../markdown/code-plugin.ts';
import { collectDiagrams } from './diagrams.ts';
import type { BibliographyEntry, Book, ImageAsset, Section } from './book.ts';
import { planCrossReferences, referenceRenderer } from './cross-references.ts';
import { captionsOf } from './captions.ts';
import { referenceWordsFor } from './reference-words.ts';
import { buildIndex, indexIdPrefix, type BookIndex } from './book-index.ts';
import { indexMarkId } from '../markdown/index-plugin.ts';
import type { LabelsEnv } from '../markdown/labels-plugin.ts';

/** Ids the templates use for generated pages; a book may not define them itself. */
export const RESERVED_IDS = ['cover', 'half-title', 'title-page', 'copyright', 'contents', 'notes', 'nav', 'toc'];

export function buildModel(config: ResolvedConfig, bookDir: string, sources: SourceFile[]): Book {
  const md = createMarkdown(config.language, { tabWidth: config.code.tabWidth });
  const slugger = new GithubSlugger();
  for (const id of RESERVED_IDS) slugger.slug(id);
  const errors: BookError[] = [];
  const warnings: string[] = [];

  // Section ids are reserved before headings get theirs, so a heading never takes one: the
  // front matter's id, else the file name without its ordering number; a {#id} on the # title
  // replaces the latter.
  const fileIds = sources.map((s) => s.frontMatter.id ?? slugger.slug(xmlName(s.stem.replace(/^[\d_. -]+/, '') || s.stem)));
  // A list of figures or tables needs no title of its own: the language gives one.
  const words = referenceWordsFor(config.language, config.labels);
  const defaultTitles: Partial<Record<string, string>> = { figures: words.listOfFigures, tables: words.listOfTables };
  const withTitles = sources.map((s) =>
    s.frontMatter.title === undefined && defaultTitles[s.frontMatter.kind] ? { ...s, frontMatter: { ...s.frontMatter, title: defaultTitles[s.frontMatter.kind] } } : s,
  );
  // Every file is parsed before any error is reported, so that all of them are listed at once.
  const parseErrors: BookError[] = [];
  const parsed = withTitles.flatMap((source) => {
    try {
      return [parseSection(md, source, slugger)];
    } catch (e) {
      if (!(e instanceof BookError)) throw e;
      parseErrors.push(e);
      return [];
    }
  });
  throwIfAny(parseErrors);
  // A label on the title ({#sec:intro}) names the section in references, never its files.
  const titleLabel = (p: ParsedSection): string | undefined => ((p.env as LabelsEnv).labels ?? []).find((l) => l.level === 1)?.id;
  const sectionIds = parsed.map((p, i) =>
    p.source.frontMatter.id || (p.titleId && p.titleId === titleLabel(p)) ? fileIds[i]! : (p.titleId ?? fileIds[i]!),
  );

  // Where every id is defined; duplicates are an error.
  const idToSection = new Map<string, string>();
  const idPlace = new Map<string, string>();
  /** Title labels ({#sec:intro} on the # heading) → the section's id, which links use instead. */
  const aliases = new Map<string, string>();
  const define = (id: string, sectionId: string, file: string, line: number): void => {
    if (!/^[\p{L}_][\p{L}\p{N}_.-]*$/u.test(id)) {
      errors.push(new BookError(`id "${id}" must start with a letter and hold only letters, digits, "-", "_" and "."`, { file, line }));
      return;
    }
    const previous = idPlace.get(id);
    if (previous || RESERVED_IDS.includes(id)) {
      errors.push(
        new BookError(`id "${id}" is already used ${previous ? `at ${previous}` : 'by the builder'}; ids must be unique in the book`, {
          file,
          line,
        }),
      );
      return;
    }
    idToSection.set(id, sectionId);
    idPlace.set(id, `${file}:${line}`);
  };
  parsed.forEach((p, i) => {
    const sid = sectionIds[i]!;
    const file = p.source.relPath;
    define(sid, sid, file, 1);
    for (const h of p.headings) if (!p.explicitIds.some((e) => e.id === h.id)) define(h.id, sid, file, h.line);
    for (const e of p.explicitIds) define(e.id, sid, file, e.line);
    // Labels given in raw HTML (id="fig:x"), and a label on the title (it points at the section).
    for (const l of (p.env as LabelsEnv).labels ?? []) {
      if (p.source.frontMatter.kind === 'bibliography' && l.element === 'list_item_open') {
        errors.push(new BookError(`the bibliography id ${l.label} starts with ${l.kind}:, which is kept for cross-references; choose another id`, { file, line: l.line }));
      }
      if (l.level === 1 && l.id !== sid) aliases.set(l.id, sid);
      if (!p.explicitIds.some((e) => e.id === l.id) && l.id !== sid) define(l.id, sid, file, l.line);
    }
    p.notes.forEach((n, k) => define(`note-${sid}-${k + 1}`, sid, file, n.line));
    p.indexMarks.forEach((m, k) => define(indexMarkId(indexIdPrefix(sid), k + 1), sid, file, m.line));
  });

  const xrefs = planCrossReferences(config, parsed, sectionIds);
  errors.push(...xrefs.errors);
  const bibliography = collectBibliography(parsed);
  const images = new Map<string, ImageAsset>();
  const sections: Section[] = [];

  parsed.forEach((p, i) => {
    const sid = sectionIds[i]!;
    const file = p.source.relPath;
    const kind = p.source.frontMatter.kind;

    for (const c of p.citations) {
      if (!bibliography.has(c.key)) {
        const hint = didYouMean(c.key, bibliography.keys(), (k) => `[@${k}]`) || undefined;
        errors.push(new BookError(`citation [@${c.key}] names no bibliography entry (entries: ${[...bibliography.keys()].join(', ') || 'none'})`, { file, line: c.line, hint }));
      }
    }
    for (const link of p.links) {
      const target = internalTarget(link.href, sources, sectionIds);
      if (target === null) continue;
      if (!idToSection.has(target)) {
        const hint = didYouMean(target, idToSection.keys(), (id) => `#${id}`) || undefined;
        errors.push(new BookError(`link to "${link.href}", but no heading, note or element has that id`, { file, line: link.line, hint }));
      }
    }
    const imageHrefs = new Map<string, string>();
    const imageAssets = new Map<string, ImageAsset>();
    for (const image of p.images) {
      try {
        const asset = resolveImage(image, p.source, bookDir, images);
        imageHrefs.set(image.src, asset.href);
        imageAssets.set(image.src, asset);
      } catch (e) {
        if (e instanceof BookError) errors.push(e);
        else throw e;
      }
    }
    if (errors.length > 0) return;

    const context = {
      sectionId: sid,
      indexIdPrefix: indexIdPrefix(sid),
      citation: (key: string) => {
        const entry = bibliography.get(key)!;
        entry.citations++;
        return { label: entry.label, id: entry.id };
      },
      imageHref: (src: string) => imageHrefs.get(src) ?? src,
      // Raw <img> sources were resolved with the Markdown ones above; any other is dropped.
      rawImageHref: (src: string) => imageHrefs.get(src),
      inlineImage: (image: Parameters<NonNullable<RenderContext['inlineImage']>>[0]) => {
        const asset = imageAssets.get(image.src);
        if (!asset || path.extname(asset.absPath).toLowerCase() !== '.svg') return undefined;
        try {
          const drawn = inlineSvg(readFileSync(asset.absPath, 'utf8'), { ...image, className: 'svg-image' });
          const name = path.basename(asset.absPath);
          for (const w of drawn.warnings) sectionWarnings.add(`${asset.usedAt.file}:${asset.usedAt.line}: image ${name}: ${w}`);
          asset.inline = true;
          return drawn.html;
        } catch (e) {
          errors.push(new BookError(`image "${image.src}" is not a readable SVG file: ${(e as Error).message}`, asset.usedAt));
          return undefined;
        }
      },
      // Raw HTML changed by the tag filter or the nesting repair; a set, as a section may be rendered twice.
      warn: (message: string, line: number | undefined) => sectionWarnings.add(`${file}:${line ?? p.source.bodyLine}: ${message}`),
    };
    const sectionWarnings = new Set<string>();
    const escape = md.utils.escapeHtml;
    const rendered = renderSection(md, p, { ...context, ...referenceRenderer(xrefs, escape, undefined) });
    // In the PDFs a reference may get the page of its target (references.pages): marks the layout fills.
    const pageRefs: string[] = [];
    const pageMark = config.references.pages ? () => pageRefs[pageRefs.push(`pref-${sid}-${pageRefs.length + 1}`) - 1]! : undefined;
    // The PDFs' flavour differs only where an external link shows its address.
    const printUrls = config.print.urls;
    const printed =
      (printUrls !== 'off' && p.links.some((l) => /^(?:https?|mailto):/i.test(l.href))) || (pageMark && p.crossrefs.length > 0)
        ? renderSection(md, p, { ...context, printUrls, citation: (key) => bibliography.get(key)!, ...referenceRenderer(xrefs, escape, pageMark) })
        : rendered;
    warnings.push(...sectionWarnings);
    for (const note of rendered.notes) for (const refId of note.refIds) idToSection.set(refId, sid);
    const bodyHtml = rewriteMarkdownLinks(rendered.bodyHtml, sources, sectionIds, aliases);
    warnings.push(...p.warnings.map((w) => `${file}: ${w}`));
    // Code blocks in unknown languages (set plain); a set, since a section may be rendered twice.
    warnings.push(...new Set(codeWarningsOf(p.env).map((w) => `${file}:${w.line}: ${w.message}`)));
    if (!bodyHtml.trim() && !['part', 'figures', 'tables', 'index'].includes(kind)) {
      warnings.push(`${file}: the section "${p.title}" has no text`);
    }
    sections.push({
      id: sid,
      kind,
      division: divisionOf(kind),
      number: xrefs.numbers[i]!.number,
      letter: xrefs.numbers[i]!.letter,
      numberLabel: xrefs.numbers[i]!.numberLabel,
      title: p.title!,
      titleHtml: rendered.titleHtml,
      bodyHtml,
      headings: p.headings.map(({ level, id, text }) => ({ level, id, text })),
      notes: rendered.notes.map((n) => ({ ...n, html: rewriteMarkdownLinks(n.html, sources, sectionIds, aliases) })),
      print:
        printed === rendered
          ? { bodyHtml, notes: rendered.notes.map((n) => ({ ...n, html: rewriteMarkdownLinks(n.html, sources, sectionIds, aliases) })), pageRefs }
          : {
              bodyHtml: rewriteMarkdownLinks(printed.bodyHtml, sources, sectionIds, aliases),
              notes: printed.notes.map((n) => ({ ...n, html: rewriteMarkdownLinks(n.html, sources, sectionIds, aliases) })),
              pageRefs,
            },
      sourcePath: file,
      ids: [...idToSection.entries()].filter(([, s]) => s === sid).map(([id]) => id),
    });
  });
  const diagrams = collectDiagrams(parsed, sectionIds, errors);
  throwIfAny(errors);
  // The captions, for the lists of figures and tables.
  for (const s of sections) {
    const own = [...xrefs.targets.values()].filter((t) => t.sectionId === s.id && (t.kind === 'fig' || t.kind === 'tbl' || t.kind === 'lst'));
    const captions = captionsOf(s.bodyHtml, new Set(own.map((t) => t.id)));
    for (const t of own) t.caption = captions.get(t.id) ?? '';
  }

  const index = buildIndex(
    parsed.map((p, i) => ({ id: sectionIds[i]!, marks: p.indexMarks })),
    config.index,
    config.language,
  );
  for (const term of [...Object.values(config.index.see), ...Object.values(config.index.seeAlso).flat()]) {
    if (!index.groups.some((g) => g.entries.some((e) => e.term === term))) {
      warnings.push(`book.yaml: the index sends readers to "${term}", which no mark in the book indexes`);
    }
  }

  for (const entry of bibliography.values()) {
    if (entry.citations === 0) warnings.push(`bibliography entry "${entry.id}" is never cited`);
  }
  return {
    config,
    bookDir,
    sections: withIndex(orderByDivision(sections), index, words.index),
    bibliography: [...bibliography.values()],
    images: [...images.values()],
    diagrams,
    idToSection,
    warnings,
    targets: xrefs.targets,
    index,
    references: { pages: config.references.pages, pageFormat: xrefs.pageFormat, words: xrefs.words },
  };
}

/**
 * A book with index marks and no `kind: index` file gets its index at the end; a book without
 * marks keeps an index file only as the author wrote it (it would list nothing).
 */
function withIndex(sections: Section[], index: BookIndex, title: string): Section[] {
  if (index.marks.length === 0 || sections.some((s) => s.kind === 'index')) return sections;
  const generated: Section = {
    id: 'index',
    kind: 'index',
    division: 'back',
    number: undefined,
    letter: undefined,
    numberLabel: undefined,
    title,
    titleHtml: title,
    bodyHtml: '',
    headings: [],
    notes: [],
    print: { bodyHtml: '', notes: [], pageRefs: [] },
    sourcePath: '(the index)',
    ids: ['index'],
  };
  return [...sections, generated];
}

/** Front matter first, then the body, then back matter; file order within each. */
function orderByDivision(sections: Section[]): Section[] {
  const rank = { front: 0, body: 1, back: 2 } as const;
  return sections.map((s, i) => ({ s, i })).sort((a, b) => rank[a.s.division] - rank[b.s.division] || a.i - b.i).map(({ s }) => s);
}

function collectBibliography(parsed: ParsedSection[]): Map<string, BibliographyEntry> {
  const entries = new Map<string, BibliographyEntry>();
  for (const p of parsed) {
    for (const e of p.bibliography) entries.set(e.id, { id: e.id, label: e.label || e.id, citations: 0 });
  }
  return entries;
}

/** "#id" → id; "other.md#id" → id; "other.md" → that section's id; anything else (external) → null. */
function internalTarget(href: string, sources: SourceFile[], sectionIds: string[]): string | null {
  if (href.startsWith('#')) return decodeURIComponent(href.slice(1));
  const match = /^(?:\.\/)?([^/:#?]+\.md)(?:#(.*))?$/.exec(href);
  if (!match) return null;
  if (match[2]) return decodeURIComponent(match[2]);
  const index = sources.findIndex((s) => path.basename(s.relPath) === match[1]);
  return index >= 0 ? sectionIds[index]! : `(missing file ${match[1]})`;
}

function rewriteMarkdownLinks(html: string, sources: SourceFile[], sectionIds: string[], aliases: ReadonlyMap<string, string>): string {
  return html.replace(/href="#([^"]+)"/g, (whole, id: string) => (aliases.has(id) ? `href="#${aliases.get(id)}"` : whole)).replace(/href="((?:\.\/)?[^/:#?"]+\.md(?:#[^"]*)?)"/g, (_, href: string) => {
    const target = internalTarget(href, sources, sectionIds);
    return `href="#${target ?? ''}"`;
  });
}

function resolveImage(image: ImageRef, source: SourceFile, bookDir: string, images: Map<string, ImageAsset>): ImageAsset {
  const { src, alt, line, raw } = image;
  const where = { file: source.relPath, line };
  if (raw && !src.trim()) throw new BookError('an <img> without src shows nothing; give it src="images/…", relative to this file', where);
  if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('//')) {
    throw new BookError(`image "${src}" is not a file in the book; download it into the book folder and link it by a relative path`, where);
  }
  if (path.isAbsolute(src)) throw new BookError(`image "${src}" is an absolute path; use a path relative to ${source.relPath}`, where);
  if (!alt.trim()) {
    const fix = raw ? `<img src="${src}" alt="what the image shows">` : `![what the image shows](${src})`;
    throw new BookError(`image "${src}" has no alt text; write ${fix}`, where);
  }
  const absPath = path.resolve(path.dirname(source.absPath), decodeURI(src));
  const rel = path.relative(bookDir, absPath);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new BookError(`image "${src}" lies outside the book folder; keep images inside it`, where);
  }
  // Inside the book after links, and a plain file (never a folder, nor a FIFO, which would block):
  // every later stage reads the real path this returns.
  const realPath = requireBookFile(absPath, {
    roots: [bookDir],
    name: `image "${src}"`,
    where,
    missing: `image "${src}" not found (looked for ${rel})`,
    missingHint: () => {
      // A renamed or misspelt picture: the nearest name in the folder it was looked for in.
      const folder = path.dirname(absPath);
      const names = existsSync(folder) && statSync(folder).isDirectory() ? readdirSync(folder) : [];
      return didYouMean(path.basename(absPath), names, (n) => path.posix.join(path.posix.dirname(src), n)) || undefined;
    },
  });
  const use = { file: source.relPath, line, width: image.width };
  const existing = images.get(realPath);
  if (existing) {
    existing.uses.push(use);
    return existing;
  }
  // Named as the author wrote it, even when it is a link to a file of another name.
  const base = path.basename(absPath).toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  let href = `images/${base}`;
  for (let n = 2; [...images.values()].some((a) => a.href === href); n++) href = `images/${n}-${base}`;
  const asset: ImageAsset = { href, absPath: realPath, usedAt: { file: source.relPath, line }, uses: [use] };
  images.set(realPath, asset);
  return asset;
}
