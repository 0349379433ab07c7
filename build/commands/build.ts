/**
 * `npm run build`: builds the book's outputs, prints what was made (sizes, page counts), then
 * the warnings. With --watch, builds again after every change to the book, writing the outputs
 * atomically each time, for someone who keeps the PDF open in their own viewer.
 */
import path from 'node:path';
import { buildBook, type BuildResult } from '../build.ts';
import { fieldTable } from '../config/fields.ts';
import { createReporter, type Reporter } from '../messages/progress.ts';
import { BookSession } from '../preview/session.ts';
import { BOOK_OPTION, bookFolders, OUT_OPTION, QUIET_OPTION, STRICT_OPTION, VERBOSE_OPTION, type Command } from './command.ts';
import { FORMAT_OPTION, parseFormats } from './formats.ts';

export const buildCommand: Command = {
  name: 'build',
  usage: '[--book DIR] [--out DIR] [--format pdf,epub,print,cover] [--strict] [--watch]',
  options: [
    BOOK_OPTION,
    OUT_OPTION,
    FORMAT_OPTION,
    STRICT_OPTION,
    { flags: '--watch', description: 'Build again after every change to the book, until Ctrl-C' },
    QUIET_OPTION,
    VERBOSE_OPTION,
    { flags: '--fields', description: 'Print the book.yaml field reference (Markdown) and exit' },
  ],
  examples: ['npm run build', 'npm run build -- --book path/to/book --format pdf,epub', 'npm run build -- --watch --format pdf'],
  longRunning: (options) => Boolean(options.watch),
  async run(_args, options) {
    if (options.fields) {
      console.log(fieldTable());
      return 0;
    }
    const formats = parseFormats(options.format);
    const { bookDir, outDir } = bookFolders(options);
    const reporter = createReporter({ quiet: Boolean(options.quiet), verbose: Boolean(options.verbose) });
    const strict = Boolean(options.strict);
    if (options.watch) return watch(bookDir, outDir, formats, strict, reporter);
    const started = performance.now();
    try {
      const result = await buildBook({ bookDir, outDir, formats, strict, log: reporter.log, progress: reporter.progress });
      summarize(result, performance.now() - started, reporter);
      return 0;
    } catch (e) {
      return reporter.fail(e, bookDir);
    }
  },
};

/** The outputs with their sizes and page counts, the print numbers to check, then the warnings. */
export function summarize(result: BuildResult, ms: number, reporter: Reporter): void {
  const pages = (format: string): string => {
    if (result.printPageCount === undefined) return '';
    // The screen PDF is the cover and the same interior as the print PDF.
    if (format === 'pdf') return `  ${result.printPageCount + 1} pages`;
    if (format === 'print') return `  ${result.printPageCount} pages`;
    if (format === 'cover') return '  1 page';
    return '';
  };
  const names = result.files.map((f) => path.relative(process.cwd(), f.path) || f.path);
  const width = Math.max(0, ...names.map((n) => n.length));
  result.files.forEach((f, i) => reporter.out(`${names[i]!.padEnd(width)}  ${`${(f.bytes / 1024).toFixed(0)} KiB`.padStart(8)}${pages(f.format)}`));
  if (result.printPageCount !== undefined) reporter.out(`print interior: ${result.printPageCount} pages`);
  if (result.cover && result.files.some((f) => f.format === 'cover')) {
    const c = result.cover;
    reporter.out(
      `print cover: ${c.widthIn.toFixed(4)} × ${c.heightIn.toFixed(4)} in with bleed; spine ${c.spineWidthIn.toFixed(4)} in ` +
        `(${c.service.toUpperCase()}, ${c.paper} paper, ${result.printPageCount} pages)${c.spineText ? '' : '; too thin for spine text'}`,
    );
  }
  const parts = result.layoutParts;
  if (parts && parts.reused > 0) reporter.out(`layout: ${parts.reused} of ${parts.printed + parts.reused} documents unchanged since the last build, taken from .cache/`);
  reporter.out(`built in ${(ms / 1000).toFixed(1)} s`);
  for (const w of result.warnings) reporter.warn(w);
}

async function watch(bookDir: string, outDir: string, formats: ReturnType<typeof parseFormats>, strict: boolean, reporter: Reporter): Promise<number> {
  const session = new BookSession({
    bookDir,
    outDir,
    formats,
    strict,
    log: reporter.log,
    progress: reporter.progress,
    onBuildStart: (changed) => {
      if (changed.length > 0) reporter.info(`changed: ${changed.join(', ')}; building again`);
    },
    onSuccess: (result, ms) => {
      summarize(result, ms, reporter);
      reporter.info('watching for changes (Ctrl-C to stop)');
    },
    onFailure: (e) => {
      reporter.fail(e, bookDir);
      reporter.info('the outputs were left as they were; watching for a fix (Ctrl-C to stop)');
    },
  });
  await session.start();
  await untilStopped();
  await session.close();
  return 0;
}

/** Resolves on Ctrl-C or a termination signal. */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
