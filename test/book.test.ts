/** The book's integrity, checked on the built model of this repository's book (issue "Write the book"). */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../build/config/load-config.ts';
import { loadSources } from '../build/sources/load-sources.ts';
import { buildModel } from '../build/model/build-model.ts';
import type { Book } from '../build/model/book.ts';
import { planPrintParts } from '../build/render/print-parts.ts';
import { ROOT } from './helpers/paths.ts';

let book: Book;
beforeAll(async () => {
  const config = await loadConfig(`${ROOT}/book.yaml`);
  book = buildModel(config, ROOT, await loadSources(ROOT));
});

const words = (html: string): number => html.replace(/<[^>]+>/g, ' ').split(/\s+/).filter((w) => /\w/.test(w)).length;

describe('the book Try Again', () => {
  it('has its metadata', () => {
    expect(book.config.title).toBe('Try Again');
    expect(book.config.subtitle).toBe('Soumith Chintala and the Long Road to PyTorch');
    expect(book.config.identifier).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(book.config.language).toBe('en');
    expect(book.config.description!.split(/[.!?](\s|$)/).filter((s) => s.trim().length > 1).length).toBeGreaterThanOrEqual(2);
  });

  it('has a preface, 8 to 10 chapters in order, an epilogue, a timeline and a bibliography', () => {
    const kinds = book.sections.map((s) => s.kind);
    expect(kinds[0]).toBe('preface');
    const chapters = book.sections.filter((s) => s.kind === 'chapter');
    expect(chapters.length).toBeGreaterThanOrEqual(8);
    expect(chapters.length).toBeLessThanOrEqual(10);
    expect(chapters.map((c) => c.number)).toEqual(chapters.map((_, i) => i + 1));
    expect(kinds).toContain('epilogue');
    expect(book.sections.some((s) => s.kind === 'appendix' && /timeline/i.test(s.title))).toBe(true);
    expect(kinds.at(-1)).toBe('bibliography');
  });

  it('gives every section a title and some text', () => {
    for (const s of book.sections) {
      expect(s.title.trim(), s.sourcePath).not.toBe('');
      expect(words(s.bodyHtml), s.sourcePath).toBeGreaterThan(50);
    }
  });

  it('runs to 7,000–10,000 words, notes included', () => {
    const total = book.sections.reduce((n, s) => n + words(s.bodyHtml) + s.notes.reduce((m, note) => m + words(note.html), 0), 0);
    expect(total).toBeGreaterThanOrEqual(7000);
    expect(total).toBeLessThanOrEqual(10000);
  });

  it('backs its claims with notes, and every note cites a source or says it is context', () => {
    const narrative = book.sections.filter((s) => ['chapter', 'epilogue'].includes(s.kind));
    for (const s of narrative) {
      expect(s.notes.length, s.sourcePath).toBeGreaterThan(3);
      for (const note of s.notes) {
        const cites = note.html.includes('class="citation"');
        const context = /widely documented|not in the sources/i.test(note.html);
        expect(cites || context, `${s.sourcePath} note ${note.number}: ${note.html.slice(0, 120)}`).toBe(true);
      }
    }
  });

  it('resolves every note reference to its note and back', () => {
    for (const s of book.sections) {
      for (const note of s.notes) {
        for (const ref of note.refIds) expect(s.bodyHtml).toContain(`id="${ref}" href="#${note.id}"`);
      }
    }
  });

  it('cites every bibliography entry at least once, and has the five sources', () => {
    expect(book.bibliography.map((b) => b.id).sort()).toEqual(['bilibili', 'thread-fr', 'thread-ko', 'xzy-netease', 'xzy-tml']);
    for (const entry of book.bibliography) expect(entry.citations, entry.id).toBeGreaterThan(0);
  });

  it('lists every chapter in the contents', () => {
    const parts = planPrintParts(book);
    const contents = parts.findIndex((p) => p.role === 'contents');
    const listed = parts.slice(contents + 1).map((p) => p.section?.id).filter(Boolean);
    for (const s of book.sections.filter((x) => x.division !== 'front' || parts.findIndex((p) => p.section === x) > contents)) {
      expect(listed).toContain(s.id);
    }
  });

  it('quotes the subject only in his own short English words', () => {
    const quotes = book.sections.flatMap((s) => [...s.bodyHtml.matchAll(/“([^”]{1,200})”/g)].map((m) => m[1]!));
    for (const q of quotes) expect(q.split(/\s+/).length, q).toBeLessThanOrEqual(12);
  });
});
