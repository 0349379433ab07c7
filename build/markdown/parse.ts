/**
 * Parses one source file with markdown-it and collects what the model needs to know about it:
 * title, headings, ids, notes, images, links and citations, each with its line in the file.
 * Nothing is rendered here: rendering needs facts from other files (citation labels, ids).
 */
import type { MarkdownIt } from 'markdown-it';
import type { Token } from 'markdown-it';
import GithubSlugger from 'github-slugger';
import { Parser } from 'htmlparser2';
import { BookError } from '../errors.ts';
import { DROPPED_WITH_CONTENT } from './sanitize.ts';
import type { SourceFile } from '../sources/load-sources.ts';
import { diagramOf, type DiagramToken } from './diagram-plugin.ts';
import type { CitationMeta } from './citation-plugin.ts';
import type { IndexMark } from './index-plugin.ts';
import { mathError } from './math-plugin.ts';
import type { NoteDefinitionsEnv } from './note-definitions.ts';

export interface Located {
  line: number;
}
export interface HeadingInfo extends Located {
  level: number;
  id: string;
  text: string;
  /** Index of the heading_open token, so the renderer can set the id. */
  tokenIndex: number;
}
export interface ImageRef extends Located {
  src: string;
  alt: string;
  /** Written as raw HTML (<img src alt>), not as ![alt](src): the messages quote the form used. */
  raw?: boolean;
  /** The width asked for (width="400", {width=60%}), which sets its printed size. */
  width?: string | undefined;
}
export interface LinkRef extends Located {
  href: string;
}
export interface CitationRef extends Located {
  key: string;
}
export interface BibliographyEntryInfo extends Located {
  id: string;
  label: string;
}
export interface NoteInfo extends Located {
  label: string;
}
/** A ```mermaid fence (diagram-plugin.ts), at the line of its opening fence. */
export interface DiagramInfo extends Located, DiagramToken {
  /** The caption as plain text (after the typographer), for the drawing's accessible name. */
  captionText: string | undefined;
}

export interface ParsedSection {
  source: SourceFile;
  tokens: Token[];
  env: MarkdownEnv;
  /** From the first # heading, else front matter. */
  title: string | undefined;
  /** Inline tokens of the # heading (keeps emphasis in titles). */
  titleTokens: Token[] | undefined;
  /** An id given to the # heading ({#id}), which then names the whole section. */
  titleId: string | undefined;
  /** Headings below the title (##, ###…), with ids assigned. */
  headings: HeadingInfo[];
  /** Every id set explicitly in the text ({#id}). */
  explicitIds: (Located & { id: string })[];
  images: ImageRef[];
  links: LinkRef[];
  citations: CitationRef[];
  /** Index marks, `((term))` and `(((primary, secondary)))`, in document order. */
  indexMarks: IndexMark[];
  /** References to labels, `[@fig:a; @tbl:b]`, one per bracket. */
  crossrefs: (Located & { labels: string[] })[];
  bibliography: BibliographyEntryInfo[];
  /** Notes in the order they are first referenced. */
  notes: NoteInfo[];
  /** Mermaid diagrams, in order; drawn by build/diagrams/. */
  diagrams: DiagramInfo[];
  /** Things worth telling the author that do not stop the build. */
  warnings: string[];
}

/** Characters beyond which a paragraph is not justified. */
export const LONG_PARAGRAPH = 20_000;

export interface MarkdownEnv {
  [key: string | symbol]: unknown;
  footnotes?: {
    refs?: Record<string, number>;
    list?: { label?: string; count: number; tokens?: Token[]; content?: string }[];
  };
}

/** Parses a file; `slugger` is shared across the whole book so generated ids never collide. */
export function parseSection(md: MarkdownIt, source: SourceFile, slugger: GithubSlugger): ParsedSection {
  const env: MarkdownEnv = { bodyLine: source.bodyLine };
  const tokens = md.parse(source.body, env);
  const lineOf = (t: Token | undefined): number => (t?.map ? t.map[0] + source.bodyLine : source.bodyLine);

  const parsed: ParsedSection = {
    source,
    tokens,
    env,
    title: source.frontMatter.title,
    titleTokens: undefined,
    titleId: undefined,
    headings: [],
    explicitIds: [],
    images: [],
    links: [],
    citations: [],
    crossrefs: [],
    indexMarks: [],
    bibliography: [],
    notes: [],
    diagrams: [],
    warnings: [],
  };

  let blockLine = source.bodyLine;
  let inFootnoteBlock = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.map) blockLine = lineOf(token);
    if (token.type === 'footnote_block_open') inFootnoteBlock = true;
    const explicitId = attr(token, 'id');
    const isTitle = token.type === 'heading_open' && token.tag === 'h1' && parsed.titleTokens === undefined;
    if (explicitId && token.nesting >= 0 && !isTitle) parsed.explicitIds.push({ id: explicitId, line: blockLine });

    if (token.type === 'heading_open') {
      const inline = tokens[i + 1]!;
      const text = plainText(inline.children ?? []);
      const level = Number(token.tag.slice(1));
      if (isTitle) {
        parsed.title = text;
        parsed.titleId = explicitId;
        parsed.titleTokens = inline.children ?? [];
        token.meta = { ...(token.meta as object), isTitle: true };
        continue;
      }
      const id = explicitId ?? slugger.slug(xmlName(text || 'section'));
      parsed.headings.push({ level, id, text, line: blockLine, tokenIndex: i });
    }
    if (token.type === 'list_item_open' && explicitId && source.frontMatter.kind === 'bibliography') {
      const label = bibliographyLabel(tokens, i);
      parsed.bibliography.push({ id: explicitId, label, line: blockLine });
    }
    if (token.type === 'paragraph_open' && (tokens[i + 1]?.content.length ?? 0) > LONG_PARAGRAPH) {
      // Chromium's justification is superlinear in a paragraph's length: a 2 MB paragraph takes
      // minutes. Such paragraphs are set ragged-right (see .long-paragraph in the stylesheets).
      token.attrJoin('class', 'long-paragraph');
      parsed.warnings.push(`a paragraph of ${tokens[i + 1]!.content.length} characters at line ${blockLine}: set ragged-right to keep the layout fast`);
    }
    if (token.type === 'html_block') collectRawImages(token.content, blockLine, parsed);
    if (token.type === 'diagram') {
      const caption = tokens[i + 1]?.type === 'diagram_caption_open' ? tokens[i + 2] : undefined;
      parsed.diagrams.push({ ...diagramOf(token), captionText: caption ? plainText(caption.children ?? []) : undefined, line: blockLine });
    }
    if (token.type === 'math_block') throwMathError(token, blockLine, parsed);
    if (token.type === 'inline') collectInline(token.children ?? [], blockLine, parsed, inFootnoteBlock);
  }
  collectNotes(parsed);
  if (!parsed.title) {
    throw new BookError('this file has no title: start it with a "# Title" heading or give title: in its front matter', {
      file: source.relPath,
      line: source.bodyLine,
    });
  }
  return parsed;
}

function collectInline(children: Token[], line: number, parsed: ParsedSection, inNotes: boolean): void {
  // Inline tokens carry no line map; count soft breaks to find the line within the block.
  let current = line;
  for (const child of children) {
    if (child.type === 'softbreak' || child.type === 'hardbreak') current++;
    if (child.type === 'text' && /\[\^[^\]\s]+\]/.test(child.content)) {
      const label = /\[\^([^\]\s]+)\]/.exec(child.content)![1]!;
      throw new BookError(`note [^${label}] is referenced but never defined; add a line "[^${label}]: …"`, {
        file: parsed.source.relPath,
        line: current,
      });
    }
    // Labels hold a colon ({#eq:name} on the line after an equation's $$, not on its line).
    const stray = child.type === 'text' ? /\{[#.][A-Za-z][\w:.-]*(?:\s[^}]*)?\}/.exec(child.content) : null;
    if (stray) {
      // markdown-it-attrs leaves {#id} as text where it cannot attach it (after a quotation that
      // holds emphasis, for one): the id would silently be missing, so say so.
      throw new BookError(`the attribute ${stray[0]} could not be attached and would print as text; it must end a heading, paragraph or list item after a space, and some markup just before it (a quotation holding emphasis) stops it: end the line with plain words`, {
        file: parsed.source.relPath,
        line: current,
      });
    }
    if (child.type === 'image') {
      parsed.images.push({ src: attr(child, 'src') ?? '', alt: plainText(child.children ?? []), line: current, width: attr(child, 'width') });
    }
    if (child.type === 'html_inline') {
      // The renderer reports what the tag filter changes at this line.
      child.meta = { ...(child.meta as object | null), line: current };
      collectRawImages(child.content, current, parsed);
      current += child.content.match(/\n/g)?.length ?? 0;
    }
    if (child.type === 'math_inline') {
      throwMathError(child, current, parsed);
      current += child.content.match(/\n/g)?.length ?? 0; // a formula may run over a line end
    }
    if (child.type === 'link_open') parsed.links.push({ href: attr(child, 'href') ?? '', line: current });
    if (child.type === 'citation') collectCitation(child.meta as unknown as CitationMeta, current, parsed);
    if (child.type === 'index_mark') parsed.indexMarks.push({ terms: (child.meta as { terms: string[] }).terms, line: current, inNote: inNotes });
    const id = attr(child, 'id');
    if (id && child.nesting >= 0 && !inNotes) parsed.explicitIds.push({ id, line: current });
  }
}

/** A formula that Temml could not compile (math-plugin.ts), at its line in the file. */
function throwMathError(token: Token, line: number, parsed: ParsedSection): void {
  const error = mathError(token);
  if (error) throw new BookError(error.message, { file: parsed.source.relPath, line: line + error.lineOffset });
}

/**
 * The <img> elements of a raw-HTML token, each at its own line, so that they meet the same rules
 * as Markdown images (see the model). Images inside what the tag filter drops with its content
 * (<noscript>, <template>…) are never shown and are not collected.
 */
function collectRawImages(html: string, line: number, parsed: ParsedSection): void {
  if (!/<img\b/i.test(html)) return;
  let dropping = 0;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (DROPPED_WITH_CONTENT.has(name) || dropping > 0) {
          if (name !== 'img') dropping++;
          return;
        }
        if (name !== 'img') return;
        const at = line + (html.slice(0, parser.startIndex).match(/\n/g)?.length ?? 0);
        parsed.images.push({ src: attribs.src ?? '', alt: (attribs.alt ?? '').trim(), line: at, raw: true, width: attribs.width });
      },
      onclosetag(name) {
        if (dropping > 0 && name !== 'img') dropping--;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
}

function collectCitation(meta: CitationMeta, line: number, parsed: ParsedSection): void {
  const written = `[${meta.items.map((i) => `@${i.key}${i.locator ? `, ${i.locator}` : ''}`).join('; ')}]`;
  if (meta.kind === 'mixed') {
    throw new BookError(`${written} mixes citations and cross-references; write them in two brackets`, { file: parsed.source.relPath, line });
  }
  if (meta.kind === 'crossref') {
    const located = meta.items.find((i) => i.locator);
    if (located) throw new BookError(`${written}: a cross-reference takes no locator ("${located.locator}")`, { file: parsed.source.relPath, line });
    parsed.crossrefs.push({ labels: meta.items.map((i) => i.key), line });
  } else {
    for (const item of meta.items) parsed.citations.push({ key: item.key, line });
  }
}

function collectNotes(parsed: ParsedSection): void {
  const footnotes = parsed.env.footnotes;
  const file = parsed.source.relPath;
  // Each definition at its line (note-definitions.ts); a label defined twice would keep only the
  // second text, silently.
  const defined = new Map<string, number>();
  for (const d of (parsed.env as NoteDefinitionsEnv).noteDefinitions ?? []) {
    const line = parsed.source.bodyLine + d.line;
    const first = defined.get(d.label);
    if (first !== undefined) {
      throw new BookError(`note [^${d.label}] is defined twice, at lines ${first} and ${line}; give one of them another label, or delete one`, { file, line });
    }
    defined.set(d.label, line);
  }
  const definitionLine = (label: string): number => defined.get(label) ?? parsed.source.bodyLine;
  for (const [key, index] of Object.entries(footnotes?.refs ?? {})) {
    if (index < 0) {
      const label = key.slice(1);
      throw new BookError(`note [^${label}] is defined but never referenced in the text`, {
        file,
        line: definitionLine(label),
      });
    }
  }
  for (const note of footnotes?.list ?? []) {
    const label = note.label ?? '';
    parsed.notes.push({ label, line: label ? definitionLine(label) : parsed.source.bodyLine });
  }
}

/** The bold label at the start of a bibliography entry, else its first words. */
function bibliographyLabel(tokens: Token[], listItemIndex: number): string {
  for (let i = listItemIndex + 1; i < tokens.length && tokens[i]!.type !== 'list_item_close'; i++) {
    const token = tokens[i]!;
    if (token.type !== 'inline') continue;
    const children = token.children ?? [];
    const open = children.findIndex((c) => c.type === 'strong_open');
    const close = children.findIndex((c) => c.type === 'strong_close');
    if (open >= 0 && close > open) return plainText(children.slice(open + 1, close)).replace(/[.,:;]\s*$/, '');
    return plainText(children).split(/[.,]/)[0] ?? '';
  }
  return '';
}

export function plainText(children: Token[]): string {
  return children
    // A formula in a title reads as its TeX in the contents and bookmarks rather than vanish.
    .map((c) => (c.type === 'text' || c.type === 'code_inline' || c.type === 'math_inline' ? c.content : c.type === 'softbreak' ? ' ' : ''))
    .join('')
    .trim();
}

/** markdown-it types attribute values as string | number; the book only ever has strings. */
export function attr(token: Token, name: string): string | undefined {
  const value = token.attrGet(name);
  return value === null || value === undefined ? undefined : String(value);
}

/** Ids must be XML names in the EPUB: a slug that would start with a digit or a mark gets a prefix. */
export function xmlName(text: string): string {
  return /^[\p{L}_]/u.test(text) ? text : `s-${text}`;
}
