/**
 * The EPUB is checked by the build itself (epubcheck-ts, the JavaScript port of EPUBCheck), so a
 * book whose EPUB a store would reject never gets a silent success. Problems are named by the
 * chapter file the document comes from; the XHTML line is given too, for the curious.
 */
import { readFile } from 'node:fs/promises';
import { EpubCheck } from '@likecoin/epubcheck-ts';
import { BookError } from '../errors.ts';
import type { Book } from '../model/book.ts';

export interface EpubVerdict {
  errors: BookError[];
  warnings: string[];
}

/** At most this many problems are listed; the rest are counted. */
const LISTED = 10;

export async function validateEpub(file: string, book: Book): Promise<EpubVerdict> {
  const result = await EpubCheck.validate(new Uint8Array(await readFile(file)), { includeUsage: false, includeInfo: false });
  const sourceOf = (path: string | undefined): string | undefined => {
    const id = /EPUB\/text\/([^/]+)\.xhtml$/.exec(path ?? '')?.[1];
    return book.sections.find((s) => s.id === id)?.sourcePath;
  };
  const describe = (m: (typeof result.messages)[number]): { text: string; file: string | undefined } => {
    const at = m.location ? `${m.location.path}${m.location.line ? `:${m.location.line}` : ''}` : undefined;
    return { text: `${m.id}: ${m.message}${at ? ` (in the EPUB's ${at})` : ''}`, file: sourceOf(m.location?.path) };
  };
  const errors = result.messages.filter((m) => m.severity === 'fatal' || m.severity === 'error');
  const warnings = result.messages.filter((m) => m.severity === 'warning');
  const listed = errors.slice(0, LISTED).map((m) => {
    const { text, file: source } = describe(m);
    return new BookError(`the EPUB is not valid: ${text}`, { file: source });
  });
  if (errors.length > LISTED) listed.push(new BookError(`the EPUB is not valid: ${errors.length - LISTED} more problems`));
  return {
    errors: listed,
    warnings: warnings.map((m) => {
      const { text, file: source } = describe(m);
      return `${source ? `${source}: ` : ''}EPUB check: ${text}`;
    }),
  };
}
