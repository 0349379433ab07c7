/**
 * `npm run preview`: builds the book, serves a page that shows its laid-out pages (and the
 * EPUB's text, the contents, the warnings), and rebuilds after every change, refreshing the open
 * page by itself. The pages go to the page as soon as they are laid out; covers, the PDFs and
 * the EPUB follow in the same build. The outputs are written to --out as `npm run build` writes
 * them. Serves 127.0.0.1 only unless --host says otherwise; opens nothing by itself.
 */
import { FORMATS } from '../build.ts';
import { createReporter } from '../messages/progress.ts';
import { bookErrorsOf, describeError } from '../messages/format-error.ts';
import { BookSession } from '../preview/session.ts';
import { startServer, type PreviewServer } from '../preview/server.ts';
import { PreviewStore } from '../preview/store.ts';
import { untilStopped, summarize } from './build.ts';
import { BOOK_OPTION, bookFolders, DEFAULT_PORT, OUT_OPTION, portNumber, QUIET_OPTION, STRICT_OPTION, VERBOSE_OPTION, type Command } from './command.ts';
import { parseFormats } from './formats.ts';
/** What the preview keeps up to date besides the pages, unless --format says otherwise. */
const PREVIEW_FORMATS = FORMATS.filter((f) => f === 'pdf' || f === 'epub' || f === 'print' || f === 'cover');

export interface PreviewOptions {
  bookDir: string;
  outDir: string;
  host: string;
  port: number;
  formats?: ReturnType<typeof parseFormats>;
  strict?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export interface RunningPreview {
  url: string;
  server: PreviewServer;
  store: PreviewStore;
  session: BookSession;
  close(): Promise<void>;
}

/** Starts the server first (the page shows "building" at once), then the first build and the watcher. */
export async function startPreview(options: PreviewOptions): Promise<RunningPreview> {
  const reporter = createReporter({ quiet: options.quiet, verbose: options.verbose });
  const store = new PreviewStore('Preview');
  const server = await startServer(store, { host: options.host, port: options.port, outDir: options.outDir });
  // On standard output, whatever the verbosity: the one line a user (or a script) needs.
  console.log(`preview: ${server.url}`);
  let started = performance.now();
  /** Milliseconds of each stage of the build under way, for the page's status and the benchmark. */
  let stages: Record<string, number> = {};
  const session = new BookSession({
    bookDir: options.bookDir,
    outDir: options.outDir,
    // The pages shown are the screen PDF's: it is always made.
    formats: [...new Set(['pdf' as const, ...(options.formats ?? PREVIEW_FORMATS)])],
    strict: Boolean(options.strict),
    log: reporter.log,
    progress: (event) => {
      if (event.state === 'done') stages[event.stage] = event.ms;
      reporter.progress(event);
    },
    onBuildStart: (changed) => {
      started = performance.now();
      stages = {};
      if (changed.length > 0) reporter.info(`changed: ${changed.join(', ')}`);
      store.building(changed);
    },
    onLayout: async ({ book, layout, warnings }, signal) => {
      await store.laidOut(book, layout, warnings, performance.now() - started, { ...stages });
      reporter.info(`pages on the preview in ${((performance.now() - started) / 1000).toFixed(2)} s`);
      // The open page draws the new pages first; the covers, PDFs and EPUB are made after.
      await store.untilDrawn(store.state.version, 1500, signal);
    },
    onSuccess: async (result, ms) => {
      await store.built(result, ms);
      summarize(result, ms, reporter);
    },
    onFailure: (e) => {
      const errors = bookErrorsOf(e);
      store.failed(errors?.map((x) => describeError(x, options.bookDir)), errors ? undefined : String((e as Error)?.stack ?? e));
      reporter.fail(e, options.bookDir);
    },
  });
  await session.start();
  return {
    url: server.url,
    server,
    store,
    session,
    async close() {
      await session.close();
      await server.close();
    },
  };
}

export const previewCommand: Command = {
  name: 'preview',
  usage: 'preview [--book DIR] [--port N] [--host ADDRESS]',
  options: [
    BOOK_OPTION,
    OUT_OPTION,
    { flags: '--port <n>', description: `Port to serve on (0: any free port)`, default: DEFAULT_PORT },
    { flags: '--host <address>', description: 'Interface to serve on; anything but 127.0.0.1 lets other machines see the book', default: '127.0.0.1' },
    { flags: '--format <list>', description: `Outputs kept up to date besides the pages: ${FORMATS.join(', ')}`, default: PREVIEW_FORMATS.join(',') },
    STRICT_OPTION,
    QUIET_OPTION,
    VERBOSE_OPTION,
  ],
  examples: ['npm run preview', 'npm run preview -- --book path/to/book --port 8080'],
  longRunning: () => true,
  async run(_args, options) {
    const { bookDir, outDir } = bookFolders(options);
    const preview = await startPreview({
      bookDir,
      outDir,
      host: String(options.host),
      port: portNumber(options.port, DEFAULT_PORT),
      formats: parseFormats(options.format),
      strict: Boolean(options.strict),
      quiet: Boolean(options.quiet),
      verbose: Boolean(options.verbose),
    });
    await untilStopped();
    await preview.close();
    return 0;
  },
};
