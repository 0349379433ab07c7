/**
 * A book being worked on: built once, then again after every change, for as long as the author
 * keeps the preview or `build --watch` running. Each rebuild is a call to the same buildBook() as
 * `npm run build` (one pipeline), with one browser kept between builds and the layout cache doing
 * the rest: an edited chapter is laid out again with the parts whose folios moved, nothing else.
 *
 * Saves that come in a burst (an editor writing several files, a git checkout) make one build.
 * A save during a build stops that build at its next stage and starts another: the newest text
 * wins, and no build is queued behind one that is already out of date. A browser that crashed is
 * started again, and the build retried once.
 */
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Browser } from 'puppeteer-core';
import { buildBook, type BuildOptions, type BuildResult, type Format } from '../build.ts';
import { ensureBrowser, launchBrowser, type Log } from '../pdf/browser.ts';
import { BUILDER_ROOT } from '../paths.ts';

export interface SessionOptions {
  bookDir: string;
  outDir: string;
  formats: readonly Format[];
  strict: boolean;
  log: Log;
  progress?: BuildOptions['progress'];
  /** Pages laid out, before the rest of the build (the preview shows them at once); `signal` says the build was superseded. */
  onLayout?: (laidOut: Parameters<NonNullable<BuildOptions['onLayout']>>[0], signal: AbortSignal) => Promise<void> | void;
  onBuildStart?: (changed: string[]) => void;
  onSuccess?: (result: BuildResult, ms: number) => Promise<void> | void;
  onFailure?: (error: unknown) => void;
  /** Quiet time after the last change before building (ms). */
  debounceMs?: number;
}

/**
 * Quiet time after a change before building: an editor's save (or a checkout's burst of files)
 * lands well within it; a change after it stops the build under way and starts another.
 */
const DEBOUNCE_MS = 25;

/** Thrown into a build that a newer change made pointless. */
class Superseded extends Error {
  constructor() {
    super('superseded by a newer change');
  }
}

export class BookSession {
  private browser: Browser | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private controller: AbortController | undefined;
  private pending = false;
  private changed = new Set<string>();
  private closed = false;

  constructor(private readonly options: SessionOptions) {}

  /** Builds the book, then watches it. Resolves after the first build, whatever its outcome. */
  async start(): Promise<void> {
    this.watcher = watchBook(this.options.bookDir, this.options.outDir, (file) => this.changedFile(file));
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
    this.schedule(0);
    await this.idle();
  }

  /** The process id of the browser the builds use, while one runs. */
  get browserPid(): number | undefined {
    return this.browser?.process()?.pid;
  }

  /** Resolves once no build is running or waiting. */
  async idle(): Promise<void> {
    while (this.timer || this.running) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort(new Superseded());
    await this.watcher?.close();
    // The browser first: a build under way then stops at once instead of finishing its stage.
    const browser = this.browser;
    this.browser = undefined;
    await browser?.close().catch(() => undefined);
    await this.running?.catch(() => undefined);
  }

  private changedFile(file: string): void {
    this.changed.add(path.relative(this.options.bookDir, file) || file);
    this.schedule(this.options.debounceMs ?? DEBOUNCE_MS);
  }

  private schedule(delay: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running) {
        // The build under way reads files that have changed since: stop it, build again after.
        this.pending = true;
        this.controller?.abort(new Superseded());
      } else {
        this.running = this.run().finally(() => {
          this.running = undefined;
          if (this.pending && !this.closed) {
            this.pending = false;
            this.schedule(0);
          }
        });
      }
    }, delay);
  }

  private async run(): Promise<void> {
    const changed = [...this.changed].sort();
    this.changed.clear();
    this.options.onBuildStart?.(changed);
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      const controller = new AbortController();
      this.controller = controller;
      try {
        const browser = await this.liveBrowser();
        const result = await buildBook({
          bookDir: this.options.bookDir,
          outDir: this.options.outDir,
          formats: this.options.formats,
          strict: this.options.strict,
          log: this.options.log,
          browser,
          progress: this.options.progress,
          onLayout: this.options.onLayout && ((laidOut) => this.options.onLayout!(laidOut, controller.signal)),
          signal: controller.signal,
          // An edit then lays out its own chapter again, in a warm tab.
          incremental: true,
        });
        // A cover image may live anywhere in the book folder: watched once the book names it.
        const cover = result.book.config.cover.image;
        if (cover) this.watcher?.add(path.resolve(this.options.bookDir, cover));
        await this.options.onSuccess?.(result, performance.now() - started);
        return;
      } catch (e) {
        if (controller.signal.aborted) {
          // A newer build follows; it reports these changes with its own.
          for (const file of changed) this.changed.add(file);
          return;
        }
        // A browser that died under the build is started again, and the build tried once more.
        if (attempt === 1 && this.browser && !this.browser.connected) {
          this.options.log('the browser quit during the build; starting it again');
          this.browser = undefined;
          continue;
        }
        this.options.onFailure?.(e);
        return;
      } finally {
        this.controller = undefined;
      }
    }
  }

  private async liveBrowser(): Promise<Browser> {
    if (this.browser?.connected) return this.browser;
    await this.browser?.close().catch(() => undefined);
    const browser = await launchBrowser(ensureBrowser(this.options.log));
    if (this.closed) {
      // Closed while the browser started: it must not outlive the session.
      await browser.close().catch(() => undefined);
      throw new Superseded();
    }
    this.browser = browser;
    return browser;
  }
}

/**
 * Watches what a build reads: book.yaml, chapters/ (text and images), and the book's own
 * templates/ and assets/; for a book outside the builder, the builder's templates and
 * stylesheets too. The output folder, .cache/ and anything else in the book folder are not
 * watched (a build writing its outputs must not start another).
 */
function watchBook(bookDir: string, outDir: string, onChange: (file: string) => void): FSWatcher {
  const roots = [path.join(bookDir, 'book.yaml'), ...['chapters', 'templates', 'assets'].map((d) => path.join(bookDir, d))];
  if (path.resolve(bookDir) !== BUILDER_ROOT) roots.push(path.join(BUILDER_ROOT, 'templates'), path.join(BUILDER_ROOT, 'assets', 'css'));
  const skip = [path.resolve(outDir), path.join(bookDir, '.cache'), path.join(BUILDER_ROOT, 'assets', 'preview')];
  const watcher = watch(roots, {
    ignoreInitial: true,
    // Besides: editors' swap and backup files, and temporary files renamed into place.
    ignored: (file) => skip.some((s) => file === s || file.startsWith(s + path.sep)) || /(\.swp|\.swx|\.tmp|~)$/.test(file),
  });
  watcher.on('all', (_event, file) => onChange(file));
  // A folder that cannot be watched (too many files for inotify) must not end the session.
  watcher.on('error', () => undefined);
  return watcher;
}
