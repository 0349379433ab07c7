/**
 * What a command tells the person at the terminal while it works: each stage's name and time,
 * a bar for the layout (parts done of parts in all), the summary, the warnings, the errors.
 * On a terminal only: piped into a file, in CI (CI=true) or with --quiet, the stages say nothing
 * and only the summary, warnings and errors are written; --verbose writes every stage with its
 * time wherever the output goes, and stack traces with errors.
 */
import type { BuildProgress } from '../build.ts';
import type { BookError } from '../errors.ts';
import { bookErrorsOf, formatErrors } from './format-error.ts';

export interface Reporter {
  progress: (event: BuildProgress) => void;
  /** Something the build wants said (a browser being installed): always said. */
  log: (message: string) => void;
  /** What a long-running command is doing ("changed: chapters/01.md"); nothing with --quiet. */
  info: (message: string) => void;
  /** A line of the summary, on standard output; nothing with --quiet. */
  out: (line: string) => void;
  warn: (warning: string) => void;
  /** Prints a failure: the book's errors with their lines, or a bug in the builder. Returns the exit code. */
  fail: (error: unknown, bookDir: string) => number;
  errors: (errors: BookError[], bookDir: string) => void;
  verbose: boolean;
}

/** Stage names as the driver times them, in words. Stages added later show under their own name. */
const STAGES: Record<string, string> = {
  load: 'book.yaml',
  sources: 'chapters',
  model: 'text and references',
  images: 'images',
  templates: 'templates',
  browser: 'browser start',
  diagrams: 'diagrams',
  layout: 'page layout',
  cover: 'covers',
  assemble: 'PDFs',
  epub: 'EPUB',
  epubcheck: 'EPUB check',
};

export function createReporter(options: { quiet?: boolean; verbose?: boolean; stream?: NodeJS.WriteStream } = {}): Reporter {
  const stream = options.stream ?? process.stderr;
  const verbose = Boolean(options.verbose);
  const quiet = Boolean(options.quiet) && !verbose;
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
  const live = Boolean(stream.isTTY) && !ci && !quiet;
  const colour = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  const dim = (s: string): string => (colour ? `\u001b[2m${s}\u001b[0m` : s);
  let lineShown = false;

  const clear = (): void => {
    if (lineShown) stream.write('\r\u001b[2K');
    lineShown = false;
  };
  const show = (text: string): void => {
    if (!live) return;
    const width = (stream.columns || 80) - 1;
    stream.write(`\r\u001b[2K${text.length > width ? text.slice(0, width) : text}`);
    lineShown = true;
  };
  const say = (text: string): void => {
    clear();
    stream.write(`${text}\n`);
  };

  return {
    verbose,
    progress(event) {
      const name = STAGES[event.stage] ?? event.stage;
      if (event.state === 'start') show(`  ${name}…`);
      else if (event.state === 'step') {
        const width = 24;
        const filled = Math.round((event.done / Math.max(1, event.total)) * width);
        show(`  ${name} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${event.done}/${event.total} parts`);
      } else if (live || verbose) say(`  ${name.padEnd(20)} ${dim(`${event.ms} ms`)}`);
    },
    log: (message) => say(message),
    info(message) {
      if (!quiet) say(message);
    },
    out(line) {
      if (quiet) return;
      clear();
      process.stdout.write(`${line}\n`);
    },
    warn: (warning) => say(`warning: ${warning}`),
    errors(errors, bookDir) {
      say(formatErrors(errors, bookDir, { colour, stack: verbose }));
    },
    fail(error, bookDir) {
      const errors = bookErrorsOf(error);
      if (errors) {
        say(formatErrors(errors, bookDir, { colour, stack: verbose }));
        return 1;
      }
      clear();
      console.error('internal error (a bug in the builder, please report it):');
      console.error(error);
      return 70;
    },
  };
}
