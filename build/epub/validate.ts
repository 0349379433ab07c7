/**
 * The EPUB is checked by the build itself (epubcheck-ts, the JavaScript port of EPUBCheck), so a
 * book whose EPUB a store would reject never gets a silent success. Problems are named by the
 * chapter file the document comes from; the XHTML line is given too, for the curious.
 */
import { Worker } from 'node:worker_threads';
import type { EpubCheck } from '@likecoin/epubcheck-ts';
import { BookError } from '../errors.ts';
import type { Book } from '../model/book.ts';

export interface EpubVerdict {
  errors: BookError[];
  warnings: string[];
}

/** At most this many problems are listed; the rest are counted. */
const LISTED = 10;

/** What validate-worker.mjs sends back: epubcheck-ts's messages, as it reports them. */
type CheckMessage = Pick<Awaited<ReturnType<typeof EpubCheck.validate>>['messages'][number], 'id' | 'severity' | 'message' | 'location'>;

/**
 * EPUBCheck on a worker thread (validate-worker.mjs), started before the EPUB exists so that it is
 * warm when the EPUB comes; the build goes on meanwhile. Checks run one at a time; close() ends
 * the worker (the build does, when it ends).
 */
export class EpubChecker {
  private readonly worker = new Worker(new URL('./validate-worker.mjs', import.meta.url));
  private readonly failed: Promise<never>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor() {
    // Only while it checks does the worker keep the process alive (a build that stopped early exits).
    this.worker.unref();
    this.failed = new Promise<never>((_, reject) => {
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`the EPUB check stopped (exit code ${code})`)));
    });
    this.failed.catch(() => undefined); // reported by check()
  }

  check(file: string, book: Book): Promise<EpubVerdict> {
    const run = async (): Promise<EpubVerdict> => {
      this.worker.ref();
      try {
        const answer = new Promise<CheckMessage[]>((resolve) => {
          this.worker.once('message', (m: CheckMessage[]) => resolve(m));
          this.worker.postMessage({ file });
        });
        return verdictOf(await Promise.race([answer, this.failed]), book);
      } finally {
        this.worker.unref();
      }
    };
    const checked = this.queue.then(run, run);
    this.queue = checked.catch(() => undefined);
    return checked;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

function verdictOf(messages: CheckMessage[], book: Book): EpubVerdict {
  const result = { messages };
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
