/** Reads a book folder's chapters/*.md in file-name order, with front matter split off and line numbers kept. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import matter from 'gray-matter';
import { BookError, throwIfAny } from '../errors.ts';
import { frontMatterSchema, type FrontMatter } from './front-matter.ts';

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
      files.push(await loadSource(path.join(dir, name), relPath));
    } catch (e) {
      if (e instanceof BookError) errors.push(e);
      else throw e;
    }
  }
  throwIfAny(errors);
  return files;
}

async function loadSource(absPath: string, relPath: string): Promise<SourceFile> {
  const bytes = await readFile(absPath);
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
    let parsed: matter.GrayMatterFile<string>;
    try {
      parsed = matter(text);
    } catch (e) {
      const mark = (e as { mark?: { line?: number } }).mark;
      const reason = (e as { reason?: string }).reason ?? (e as Error).message.split('\n')[0];
      throw new BookError(`front matter is not valid YAML: ${reason}`, {
        file: relPath,
        line: mark?.line !== undefined ? mark.line + 2 : 1,
      });
    }
    data = (parsed.data ?? {}) as Record<string, unknown>;
    body = parsed.content;
    bodyLine = text.slice(0, text.length - body.length).split('\n').length;
  }
  const fm = frontMatterSchema.safeParse(data);
  if (!fm.success) {
    const issue = fm.error.issues[0]!;
    const field = issue.path.join('.') || 'front matter';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown front matter field ${issue.keys.join(', ')} (allowed: kind, title, id, numbered)`
        : `front matter ${field}: ${issue.message}`;
    throw new BookError(message, { file: relPath, line: 2 });
  }
  const stem = path.basename(relPath, '.md');
  return { relPath, absPath, stem, frontMatter: fm.data, body, bodyLine };
}

function firstBadLine(bytes: Buffer): number {
  // The lenient decoder marks the first undecodable byte with U+FFFD; count the lines before it.
  const lenient = new TextDecoder('utf-8').decode(bytes);
  const at = lenient.indexOf('\uFFFD');
  return at < 0 ? 1 : lenient.slice(0, at).split('\n').length;
}
