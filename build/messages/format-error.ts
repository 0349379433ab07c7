/**
 * How an error in the book is shown: the first line as it has always been
 * (`error: file:line: what is wrong`), then the offending line of the file with a caret under
 * the spot, then how to fix it when the message does not already say. The same report feeds the
 * terminal and the preview page (as data), so both show the same thing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BookError, BookErrors } from '../errors.ts';
import { genericHint } from './hints.ts';

export interface ErrorReport {
  /** "chapters/01-the-lamp.md:4: link to …": what the first line has always said, after "error: ". */
  summary: string;
  message: string;
  file: string | undefined;
  line: number | undefined;
  /** The offending line, shortened around the spot when long, and where the caret goes in it. */
  excerpt: { text: string; column: number; length: number } | undefined;
  hint: string | undefined;
}

/** Errors shown at once; more than this and the rest are counted, since the first ones often cause them. */
export const ERROR_LIMIT = 20;

/** The author's errors inside a thrown value: one, several, or none (a bug in the builder). */
export function bookErrorsOf(e: unknown): BookError[] | undefined {
  if (e instanceof BookErrors) return e.errors;
  if (e instanceof BookError) return [e];
  return undefined;
}

export function describeError(error: BookError, bookDir: string): ErrorReport {
  const text = error.file && error.line ? lineOf(error.file, error.line, bookDir) : undefined;
  return {
    summary: error.toString(),
    message: error.message,
    file: error.file,
    line: error.line,
    excerpt: text === undefined ? undefined : excerpt(text, spotOf(error, text)),
    hint: error.hint ?? genericHint(error.message),
  };
}

/** The terminal's form of one report; `colour` for a terminal that shows it. */
export function formatReport(report: ErrorReport, colour = false): string {
  const paint = (code: string, s: string): string => (colour ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines = [`${paint('1;31', 'error')}: ${report.summary}`];
  if (report.excerpt && report.line) {
    const number = String(report.line);
    const gutter = ' '.repeat(number.length);
    lines.push(`  ${paint('2', `${number} |`)} ${report.excerpt.text}`);
    lines.push(`  ${paint('2', `${gutter} |`)} ${' '.repeat(report.excerpt.column - 1)}${paint('1;31', '^'.repeat(Math.max(1, report.excerpt.length)))}`);
  }
  if (report.hint) lines.push(`  ${paint('1;36', 'fix')}: ${report.hint}`);
  return lines.join('\n');
}

/** Every error, up to the limit, each with its line and caret; `stack` adds where in the builder it was raised. */
export function formatErrors(errors: BookError[], bookDir: string, options: { colour?: boolean; stack?: boolean; limit?: number } = {}): string {
  const limit = options.limit ?? ERROR_LIMIT;
  // File by file, in the order the files first come up, and down each file by line.
  const files = [...new Set(errors.map((e) => e.file))];
  const sorted = [...errors].sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || (a.line ?? 0) - (b.line ?? 0));
  const shown = sorted.slice(0, limit).map((e) => {
    const text = formatReport(describeError(e, bookDir), options.colour);
    return options.stack && e.stack ? `${text}\n${e.stack.split('\n').slice(1).join('\n')}` : text;
  });
  if (errors.length > limit) shown.push(`… and ${errors.length - limit} more errors; fix these first, some of the others may follow from them`);
  else if (errors.length > 1) shown.push(`${errors.length} errors`);
  return shown.join('\n');
}

/** Line `line` (1-based) of a book file, or undefined when the file cannot be read or is shorter. */
function lineOf(file: string, line: number, bookDir: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path.isAbsolute(file) ? file : path.join(bookDir, file), 'utf8');
  } catch {
    return undefined;
  }
  const found = text.replace(/^\uFEFF/, '').split(/\r\n?|\n/)[line - 1];
  return found === undefined || found.trim() === '' ? undefined : found;
}

/** Where on the line the problem is: the error's column, or the first thing the message quotes that the line holds. */
function spotOf(error: BookError, text: string): { start: number; length: number } {
  if (error.column && error.column <= text.length) {
    const word = /^[^\s:,;]+/.exec(text.slice(error.column - 1))?.[0] ?? ' ';
    return { start: error.column - 1, length: word.length };
  }
  for (const candidate of candidates(error.message)) {
    const at = text.indexOf(candidate);
    if (at >= 0) return { start: at, length: candidate.length };
  }
  // Nothing to point at more closely: the whole line is the spot.
  const start = text.length - text.trimStart().length;
  return { start, length: text.trim().length };
}

/** What a message names, most telling first: {#id}, [@key], [^note], "quoted", unknown field x. */
function candidates(message: string): string[] {
  const found: string[] = [];
  for (const m of message.matchAll(/\bid "([^"]+)"/g)) found.push(`{#${m[1]}}`, `id="${m[1]}"`);
  for (const m of message.matchAll(/\[[@^][^\]\s]+\]/g)) found.push(m[0], m[0].slice(1, -1));
  for (const m of message.matchAll(/\{#[^}\s]+\}/g)) found.push(m[0]);
  for (const m of message.matchAll(/unknown (?:front matter )?field ([^\s;,]+)/g)) found.push(m[1]!);
  for (const m of message.matchAll(/"([^"]+)"/g)) found.push(m[1]!);
  return found.filter((c) => c.length > 0);
}

/** Long lines (a 2 MB paragraph) are cut to a window around the spot; tabs become spaces so the caret lines up. */
function excerpt(raw: string, spot: { start: number; length: number }): ErrorReport['excerpt'] {
  const WIDTH = 100;
  let text = raw;
  let start = spot.start;
  let length = Math.min(spot.length, WIDTH);
  if (text.length > WIDTH) {
    const from = Math.max(0, Math.min(start - 20, text.length - WIDTH));
    text = `${from > 0 ? '…' : ''}${text.slice(from, from + WIDTH)}${from + WIDTH < raw.length ? '…' : ''}`;
    start = start - from + (from > 0 ? 1 : 0);
    length = Math.min(length, text.length - start);
  }
  const before = text.slice(0, start);
  const tabs = (s: string): number => (s.match(/\t/g) ?? []).length;
  const shift = tabs(before) * 3;
  const widen = tabs(text.slice(start, start + length)) * 3;
  return { text: text.replace(/\t/g, '    '), column: start + shift + 1, length: Math.max(1, length + widen) };
}
