/**
 * Everything a build reports that needs no page layout, without a browser and without writing
 * anything: book.yaml, front matter, the Markdown (notes, ids, math, attributes), links,
 * cross-references, citations, images (present, inside the book, decodable, not too large,
 * resolution at their printed width, alt text), templates, and Mermaid's syntax. The stages are
 * the build's own functions, in the build's order; where one stage fails, the next ones that do
 * not need it still run, so that one check lists as much as it can.
 *
 * What only the layout finds (a table too wide for the page, page references, an overfull page)
 * is left to the build.
 */
import path from 'node:path';
import { loadConfig, type ResolvedConfig } from '../config/load-config.ts';
import { loadSources, type SourceFile } from '../sources/load-sources.ts';
import { buildModel } from '../model/build-model.ts';
import { inspectImages } from '../model/inspect-images.ts';
import { imageResolutionWarnings } from '../pdf/image-resolution.ts';
import { pageGeometry } from '../render/page-geometry.ts';
import { loadTemplates } from '../render/templates.ts';
import { BookError, BookErrors } from '../errors.ts';
import { checkDiagramSyntax } from './mermaid-syntax.ts';
import type { Book } from '../model/book.ts';

export interface CheckResult {
  errors: BookError[];
  warnings: string[];
  /** What was looked at, for the summary. */
  counts: { files: number; images: number; diagrams: number };
  /** Stages that could not run because an earlier one failed. */
  skipped: string[];
}

/** Runs `stage`, collecting the author's errors instead of stopping at them. */
async function attempt<T>(errors: BookError[], stage: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await stage();
  } catch (e) {
    if (e instanceof BookErrors) errors.push(...e.errors);
    else if (e instanceof BookError) errors.push(e);
    else throw e;
    return undefined;
  }
}

export async function checkBook(bookDir: string, options: { strict?: boolean } = {}): Promise<CheckResult> {
  const errors: BookError[] = [];
  const warnings: string[] = [];
  const skipped: string[] = [];
  const config: ResolvedConfig | undefined = await attempt(errors, () => loadConfig(path.join(bookDir, 'book.yaml')));
  const sources: SourceFile[] | undefined = await attempt(errors, () => loadSources(bookDir));
  await attempt(errors, () => loadTemplates(bookDir));
  const book: Book | undefined = config && sources ? await attempt(errors, () => buildModel(config, bookDir, sources)) : undefined;
  if (!config || !sources) skipped.push('links, references, citations, images and diagrams (they need book.yaml and the chapters to load)');
  else if (!book) skipped.push('images and diagrams (they need the links and references to resolve)');
  let imageCount = 0;
  if (book) {
    warnings.push(...book.warnings);
    const images = await attempt(errors, () => inspectImages(book.images));
    imageCount = book.images.length;
    // The gutter grows with the page count, known only after layout: estimated as the layout's
    // first pass does (about 2,000 characters of HTML to a page).
    const pages = Math.ceil(book.sections.reduce((n, s) => n + s.print.bodyHtml.length, 0) / 2000) + 10;
    if (images) warnings.push(...imageResolutionWarnings(images, pageGeometry(book.config.print, pages)));
    errors.push(...(await checkDiagramSyntax(book.diagrams, book.config.language)));
  }
  if (options.strict) errors.push(...warnings.map(warningAsError));
  return {
    errors,
    warnings: options.strict ? [] : warnings,
    counts: { files: sources?.length ?? 0, images: imageCount, diagrams: book?.diagrams.length ?? 0 },
    skipped,
  };
}

/** A warning ("chapters/01.md:12: …") as an error at the same place, for --strict. */
function warningAsError(warning: string): BookError {
  const m = /^([^\s:][^:]*):(\d+): ([\s\S]*)$/.exec(warning);
  const message = `${m ? m[3] : warning} (an error with --strict)`;
  return m ? new BookError(message, { file: m[1], line: Number(m[2]) }) : new BookError(message);
}
