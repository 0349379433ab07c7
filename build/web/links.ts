/**
 * Where each section lives in the site and how the book's "#id" links reach it: one page per
 * section at the site's root, beside index.html, so every link is relative and one level deep.
 */
import type { Book, Section } from '../model/book.ts';
import { stripSourceLines } from '../markdown/source-lines.ts';

/** Names the site itself uses: a section with one of these ids gets another file name. */
const RESERVED = new Set(['index', 'search', '404', 'sitemap']);

/** The page of a section: "measuring.html" (the generated index: "section-index.html"). */
export const pageOf = (section: Section): string => `${RESERVED.has(section.id) ? `section-${section.id}` : section.id}.html`;

/** A file name as it goes into an href (section ids may hold any letter). */
export const hrefOfFile = (file: string): string => encodeURI(file);

export interface Linker {
  /** The href, from page `from`, to the element with this id. */
  hrefTo(id: string, from: string): string;
  /** A fragment of the book's HTML made ready for page `from`. */
  relink(html: string, from: string): string;
}

export function linker(book: Book, imageSize: (href: string) => { width: number; height: number } | undefined): Linker {
  const homeOf = new Map<string, string>([
    ['title-page', 'index.html'],
    ['copyright', 'index.html#copyright'],
    ['contents', 'index.html#contents'],
    ['toc', 'index.html#contents'],
  ]);
  const pageOfSection = new Map(book.sections.map((s) => [s.id, pageOf(s)]));
  for (const [id, sid] of book.idToSection) homeOf.set(id, `${pageOfSection.get(sid)}#${id}`);
  // A link to a section itself opens its page at the top.
  for (const s of book.sections) homeOf.set(s.id, pageOf(s));
  const hrefTo = (id: string, from: string): string => {
    const home = homeOf.get(id);
    if (!home) return `#${encodeURIComponent(id)}`;
    const [file, fragment] = home.split('#') as [string, string | undefined];
    if (file === from && fragment) return `#${encodeURIComponent(fragment)}`;
    return `${hrefOfFile(file)}${fragment ? `#${encodeURIComponent(fragment)}` : ''}`;
  };
  const relink = (html: string, from: string): string =>
    stripSourceLines(html)
      // EPUB's vocabulary is no HTML attribute; the ARIA role beside it says the same.
      .replace(/ epub:type="[^"]*"/g, '')
      .replace(/href="#([^"]+)"/g, (_, id: string) => `href="${hrefTo(decodeURIComponent(id), from)}"`)
      .replace(/<img\s[^>]*>/g, (tag) => withSize(tag, imageSize))
      // A display formula wider than a phone scrolls inside its box (web.css), which the
      // keyboard can reach only if it takes the focus.
      .replace(/<div class="equation"(?![^>]*tabindex)/g, '<div class="equation" tabindex="0"');
  return { hrefTo, relink };
}

/**
 * An <img> with both width and height, so the browser keeps its room before it loads (CSS's
 * height: auto keeps the ratio when the screen is narrower). A width asked for in the Markdown
 * stays; the height follows from it.
 */
function withSize(tag: string, imageSize: (href: string) => { width: number; height: number } | undefined): string {
  const src = /\ssrc="([^"]+)"/.exec(tag)?.[1];
  const size = src ? imageSize(src) : undefined;
  if (!size || /\sheight="/.test(tag)) return tag;
  const asked = /\swidth="(\d+(?:\.\d+)?)"/.exec(tag)?.[1];
  if (asked) return tag.replace(/\swidth="[^"]*"/, ` width="${asked}" height="${Math.round((Number(asked) * size.height) / size.width)}"`);
  if (/\swidth="/.test(tag)) return tag; // a percentage: the ratio alone would need CSS
  return tag.replace(/^<img/, `<img width="${size.width}" height="${size.height}"`);
}
