/** Reads a book folder's chapters/*.md in file-name order, with front matter split off and line numbers kept. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BookError, throwIfAny } from '../errors.ts';
import { frontMatterSchema, type FrontMatter } from './front-matter.ts';
import { requireBookFile } from './safe-path.ts';
import { parseYaml } from '../config/yaml.ts';
import { knownKeys } from '../config/known-keys.ts';
import { didYouMean } from '../messages/suggest.ts';
import type { z } from 'zod';

export interface SourceFile {
  /** Path relative to the book folder, for messages: "chapters/01-intro.md". */
  relPath: string;
  absPath: string;
  /** The file name without extension: "01-intro". */
  stem: string;
  frontMatter: FrontMatter;
  /** Markdown after the front matter. */
  body: string;
  /** Line number in the file of the body's first line (1-based). */
  bodyLine: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function loadSources(bookDir: string): Promise<SourceFile[]> {
  const dir = path.join(bookDir, 'chapters');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.md') && !n.startsWith('.'));
  } catch {
    throw new BookError('no chapters/ folder; put the book\'s Markdown files there', { file: 'chapters/' });
  }
  names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (names.length === 0) throw new BookError('chapters/ holds no .md files', { file: 'chapters/' });

  const errors: BookError[] = [];
  const files: SourceFile[] = [];
  for (const name of names) {
    const relPath = `chapters/${name}`;
    try {
      // Inside the book after links, and a plain file: a folder, a FIFO or a link to /etc/… is refused unread.
      const real = requireBookFile(path.join(dir, name), { roots: [bookDir], name: 'this chapter', where: { file: relPath } });
      files.push(await loadSource(path.join(dir, name), real, relPath));
    } catch (e) {
      if (e instanceof BookError) errors.push(e);
      else throw e;
    }
  }
  throwIfAny(errors);
  return files;
}

async function loadSource(absPath: string, realPath: string, relPath: string): Promise<SourceFile> {
  const bytes = await readFile(realPath);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new BookError('not UTF-8 text; save the file as UTF-8', { file: relPath, line: firstBadLine(bytes) });
  }
  text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');

  let data: Record<string, unknown> = {};
  let body = text;
  let bodyLine = 1;
  if (text.startsWith('---\n')) {
    const split = splitFrontMatter(text, relPath);
    const { doc } = parseYaml(split.yaml, { file: relPath, firstLine: 2, prefix: 'front matter is not valid YAML' });
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
      throw new BookError('the front matter must be fields, one a line (kind: chapter, title: …)', { file: relPath, line: 2 });
    }
    data = (value ?? {}) as Record<string, unknown>;
    body = split.body;
    bodyLine = split.bodyLine;
  }
  const fm = frontMatterSchema.safeParse(data);
  if (!fm.success) throwIfAny(fm.error.issues.flatMap((issue) => frontMatterErrors(issue, text, relPath)));
  if (!fm.success) throw new Error('unreachable');
  const stem = path.basename(relPath, '.md');
  return { relPath, absPath, stem, frontMatter: fm.data, body, bodyLine };
}

/** The problems of a file's front matter, each at the line of its field, naming the nearest known one. */
function frontMatterErrors(issue: z.core.$ZodIssue, text: string, relPath: string): BookError[] {
  const known = knownKeys(frontMatterSchema, []);
  // The front matter: the lines after the opening "---" (line 1), up to the closing one.
  const lines = text.split('\n').slice(1);
  const end = lines.indexOf('---');
  const fields = end < 0 ? lines : lines.slice(0, end);
  const at = (key: string): { line: number; column?: number } => {
    const k = fields.findIndex((l) => l.trimStart().startsWith(key) && /^\s*:/.test(l.trimStart().slice(key.length)));
    return k < 0 ? { line: 2 } : { line: k + 2, column: fields[k]!.indexOf(key) + 1 };
  };
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const guess = didYouMean(key, known);
      return new BookError(`unknown front matter field ${key}; ${guess || `allowed: ${known.join(', ')}`}`, { file: relPath, ...at(key) });
    });
  }
  const field = issue.path.map(String).join('.');
  let message = `front matter ${field || ''}: ${issue.message}`.replace('front matter : ', 'front matter: ');
  const place = field ? at(field) : { line: 2 };
  // The value as written, for the caret and the nearest allowed value.
  const source = field ? (fields[place.line - 2] ?? '') : '';
  const value = /:\s*(\S.*?)\s*$/.exec(source)?.[1];
  const column = value ? source.lastIndexOf(value) + 1 : place.column;
  if (issue.code === 'invalid_value' && value) {
    const guess = didYouMean(value.replace(/^["']|["']$/g, ''), issue.values.map(String));
    if (guess) message += `; ${guess}`;
  }
  return [new BookError(message, { file: relPath, line: place.line, column })];
}

/**
 * The YAML between the opening "---" (line 1) and the next line holding only "---", and the
 * Markdown after it. A front matter never closed would swallow the whole file: it is an error at
 * line 1, where it opens.
 */
function splitFrontMatter(text: string, relPath: string): { yaml: string; body: string; bodyLine: number } {
  const lines = text.split('\n');
  const close = lines.findIndex((l, i) => i > 0 && /^---[ \t]*$/.test(l));
  if (close < 0) {
    throw new BookError('the front matter opened by "---" on this line is never closed; end it with a line holding only "---" (or, if the file starts with a rule, begin with the title instead)', {
      file: relPath,
      line: 1,
    });
  }
  return { yaml: lines.slice(1, close).join('\n'), body: lines.slice(close + 1).join('\n'), bodyLine: close + 2 };
}

function firstBadLine(bytes: Buffer): number {
  // The lenient decoder marks the first undecodable byte with U+FFFD; count the lines before it.
  const lenient = new TextDecoder('utf-8').decode(bytes);
  const at = lenient.indexOf('\uFFFD');
  return at < 0 ? 1 : lenient.slice(0, at).split('\n').length;
}
