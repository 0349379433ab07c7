/**
 * Turns parsed sources into the Book model: numbers the chapters, gives every section and heading
 * an id, resolves citations, images and internal links, and rejects what cannot be resolved.
 */
import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import GithubSlugger from 'github-slugger';
import { BookError, throwIfAny } from '../errors.ts';
import type { ResolvedConfig } from '../config/load-config.ts';
import type { SourceFile } from '../sources/load-sources.ts';
import { divisionOf } from '../sources/front-matter.ts';
import { createMarkdown } from '../markdown/markdown-it.ts';
import { parseSection, xmlName, type ParsedSection } from '../markdown/parse.ts';
import { renderSection } from '../markdown/render.ts';
import type { BibliographyEntry, Book, ImageAsset, Section } from './book.ts';

/** Ids the templates use for generated pages; a book may not define them itself. */
export const RESERVED_IDS = ['cover', 'half-title', 'title-page', 'copyright', 'contents', 'notes', 'nav', 'toc'];

export function buildModel(config: ResolvedConfig, bookDir: string, sources: SourceFile[]): Book {
  const md = createMarkdown(config.language);
  const slugger = new GithubSlugger();
  for (const id of RESERVED_IDS) slugger.slug(id);
  const errors: BookError[] = [];
  const warnings: string[] = [];

  // Section ids are reserved before headings get theirs, so a heading never takes one: the
  // front matter's id, else the file name without its ordering number; a {#id} on the # title
  // replaces the latter.
  const fileIds = sources.map((s) => s.frontMatter.id ?? slugger.slug(xmlName(s.stem.replace(/^[\d_. -]+/, '') || s.stem)));
  const parsed = sources.map((source) => parseSection(md, source, slugger));
  const sectionIds = parsed.map((p, i) => (p.source.frontMatter.id ? fileIds[i]! : (p.titleId ?? fileIds[i]!)));

  // Where every id is defined; duplicates are an error.
  const idToSection = new Map<string, string>();
  const idPlace = new Map<string, string>();
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
    p.notes.forEach((n, k) => define(`note-${sid}-${k + 1}`, sid, file, n.line));
  });

  const bibliography = collectBibliography(parsed);
  const images = new Map<string, ImageAsset>();
  const sections: Section[] = [];
  let chapterNumber = 0;

  parsed.forEach((p, i) => {
    const sid = sectionIds[i]!;
    const file = p.source.relPath;
    const kind = p.source.frontMatter.kind;
    const numbered = p.source.frontMatter.numbered ?? kind === 'chapter';

    for (const c of p.citations) {
      if (!bibliography.has(c.key)) {
        errors.push(new BookError(`citation [@${c.key}] names no bibliography entry (entries: ${[...bibliography.keys()].join(', ') || 'none'})`, { file, line: c.line }));
      }
    }
    for (const link of p.links) {
      const target = internalTarget(link.href, sources, sectionIds);
      if (target === null) continue;
      if (!idToSection.has(target)) {
        errors.push(new BookError(`link to "${link.href}", but no heading, note or element has that id`, { file, line: link.line }));
      }
    }
    const imageHrefs = new Map<string, string>();
    for (const image of p.images) {
      try {
        const asset = resolveImage(image.src, image.alt, p.source, bookDir, image.line, images);
        imageHrefs.set(image.src, asset.href);
      } catch (e) {
        if (e instanceof BookError) errors.push(e);
        else throw e;
      }
    }
    if (errors.length > 0) return;

    const rendered = renderSection(md, p, {
      sectionId: sid,
      citation: (key) => {
        const entry = bibliography.get(key)!;
        entry.citations++;
        return { label: entry.label, id: entry.id };
      },
      imageHref: (src) => imageHrefs.get(src) ?? src,
    });
    for (const note of rendered.notes) for (const refId of note.refIds) idToSection.set(refId, sid);
    const bodyHtml = rewriteMarkdownLinks(rendered.bodyHtml, sources, sectionIds);
    warnings.push(...p.warnings.map((w) => `${file}: ${w}`));
    if (!bodyHtml.trim() && kind !== 'part') {
      warnings.push(`${file}: the section "${p.title}" has no text`);
    }
    sections.push({
      id: sid,
      kind,
      division: divisionOf(kind),
      number: numbered ? ++chapterNumber : undefined,
      title: p.title!,
      titleHtml: rendered.titleHtml,
      bodyHtml,
      headings: p.headings.map(({ level, id, text }) => ({ level, id, text })),
      notes: rendered.notes.map((n) => ({ ...n, html: rewriteMarkdownLinks(n.html, sources, sectionIds) })),
      sourcePath: file,
      ids: [...idToSection.entries()].filter(([, s]) => s === sid).map(([id]) => id),
    });
  });
  throwIfAny(errors);

  for (const entry of bibliography.values()) {
    if (entry.citations === 0) warnings.push(`bibliography entry "${entry.id}" is never cited`);
  }
  return {
    config,
    bookDir,
    sections: orderByDivision(sections),
    bibliography: [...bibliography.values()],
    images: [...images.values()],
    idToSection,
    warnings,
  };
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

function rewriteMarkdownLinks(html: string, sources: SourceFile[], sectionIds: string[]): string {
  return html.replace(/href="((?:\.\/)?[^/:#?"]+\.md(?:#[^"]*)?)"/g, (_, href: string) => {
    const target = internalTarget(href, sources, sectionIds);
    return `href="#${target ?? ''}"`;
  });
}

function resolveImage(
  src: string,
  alt: string,
  source: SourceFile,
  bookDir: string,
  line: number,
  images: Map<string, ImageAsset>,
): ImageAsset {
  const where = { file: source.relPath, line };
  if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('//')) {
    throw new BookError(`image "${src}" is not a file in the book; download it into the book folder and link it by a relative path`, where);
  }
  if (path.isAbsolute(src)) throw new BookError(`image "${src}" is an absolute path; use a path relative to ${source.relPath}`, where);
  if (!alt.trim()) throw new BookError(`image "${src}" has no alt text; write ![what the image shows](${src})`, where);
  const absPath = path.resolve(path.dirname(source.absPath), decodeURI(src));
  const rel = path.relative(bookDir, absPath);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new BookError(`image "${src}" lies outside the book folder; keep images inside it`, where);
  }
  if (!existsSync(absPath) || !statSync(absPath).isFile()) throw new BookError(`image "${src}" not found (looked for ${rel})`, where);
  const existing = images.get(absPath);
  if (existing) return existing;
  const base = path.basename(absPath).toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  let href = `images/${base}`;
  for (let n = 2; [...images.values()].some((a) => a.href === href); n++) href = `images/${n}-${base}`;
  const asset: ImageAsset = { href, absPath, usedAt: { file: source.relPath, line } };
  images.set(absPath, asset);
  return asset;
}
