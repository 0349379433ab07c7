/**
 * Edit-to-page latency of the preview, on this repository's book: the preview runs on a copy of
 * the book (book.yaml and chapters/, so the repository's own .cache/ and dist/ are not touched),
 * a second headless Chromium opens its page at a chapter, and each edit adds one sentence to that
 * chapter's first page. The time counted runs from the file being written to the new sentence
 * standing in the page's text layer: the watcher, the rebuild through the layout cache, the
 * server-sent event, the page fetching the part and pdf.js drawing it, all of it.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPreview } from '../build/commands/preview.ts';
import { ensureBrowser, launchBrowser } from '../build/pdf/browser.ts';
import { BUILDER_ROOT } from '../build/paths.ts';

export interface EditLatency {
  chapter: string;
  /** One entry per edit: from the save to the sentence on the page, and the server's share. */
  edits: {
    ms: number;
    pagesMs: number | undefined;
    /** The rebuild's stages before the pages (model, layout…), ms. */
    stages: Record<string, number>;
    /** On the page: from the save to the event, and to the edited page drawn. */
    eventMs: number | undefined;
    partsLaidOut: number | undefined;
    parts: number | undefined;
  }[];
  medianMs: number;
  firstBuildMs: number;
  /** The machine's 1-minute load average before and after: other work on the same cores slows every step. */
  load: [number, number];
}

/** Sentences to add, each with a word the typesetter will not hyphenate and the book does not hold. */
const SENTENCES: [sentence: string, word: string][] = [
  ['He kept a quartz clock by the desk.', 'quartz'],
  ['The window faced a grey oxbow lake.', 'oxbow'],
  ['His notes filled a kiwi green binder.', 'kiwi'],
  ['The lab smelled of jasmine tea.', 'jasmine'],
  ['A zephyr came through the hall.', 'zephyr'],
];

export async function measureEditLatency(options: { chapter?: string; progress?: (m: string) => void } = {}): Promise<EditLatency> {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'edit-latency-')), 'book');
  try {
    return await measureIn(dir, options);
  } finally {
    rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

async function measureIn(dir: string, options: { chapter?: string; progress?: (m: string) => void }): Promise<EditLatency> {
  const say = options.progress ?? (() => undefined);
  cpSync(path.join(BUILDER_ROOT, 'book.yaml'), path.join(dir, 'book.yaml'));
  cpSync(path.join(BUILDER_ROOT, 'chapters'), path.join(dir, 'chapters'), { recursive: true });
  // A chapter in the middle of the book: the parts after it are many, and its folios matter.
  const chapters = readdirSync(path.join(dir, 'chapters'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .filter((f) => (/^---\n(?:[^\n]*\n)*?kind:[ \t]*(\S+)/.exec(readFileSync(path.join(dir, 'chapters', f), 'utf8'))?.[1] ?? 'chapter') === 'chapter');
  const chapterFile = options.chapter ?? chapters[Math.floor(chapters.length / 2)];
  if (!chapterFile) throw new Error('the book has no chapter to edit');
  const file = path.join(dir, 'chapters', chapterFile);
  const original = readFileSync(file, 'utf8');

  const loadBefore = os.loadavg()[0]!;
  const started = performance.now();
  const preview = await startPreview({ bookDir: dir, outDir: path.join(dir, 'dist'), host: '127.0.0.1', port: 0, quiet: true });
  const firstBuildMs = performance.now() - started;
  const viewer = await launchBrowser(ensureBrowser(say)).catch(async (e: unknown) => {
    await preview.close();
    throw e;
  });
  try {
    const page = await viewer.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    await page.goto(preview.url);
    const key = preview.store.state.pages?.parts.find((p) => p.file === `chapters/${chapterFile}`)?.key;
    if (!key) throw new Error(`no part for chapters/${chapterFile}`);
    await page.waitForSelector(`#toc a[data-part="${key}"]`);
    await page.click(`#toc a[data-part="${key}"]`);
    await page.waitForFunction((k: string) => document.querySelector(`[data-id="${k}:0"] .textLayer`) !== null, {}, key);

    const edits: EditLatency['edits'] = [];
    // Each edit adds a sentence to the end of the chapter's first paragraph, on its first page.
    let text = original;
    for (const [sentence, word] of SENTENCES) {
      const paragraphs = text.split('\n\n');
      const k = paragraphs.findIndex((p, i) => i > 0 && /^[A-Z\u201c]/.test(p));
      if (k < 0) throw new Error('no paragraph to edit');
      paragraphs[k] += ` ${sentence}`;
      text = paragraphs.join('\n\n');
      const version = preview.store.state.version;
      const t0 = performance.now();
      writeFileSync(file, text);
      await page.waitForFunction(
        (w: string) => [...document.querySelectorAll('.textLayer')].some((l) => (l.textContent ?? '').toLowerCase().includes(w)),
        { polling: 'mutation', timeout: 120_000 },
        word,
      );
      const ms = performance.now() - t0;
      // Where the page's share of the time went (marks set by assets/preview/preview.js), from the save.
      const offset = await page.evaluate(() => performance.timeOrigin);
      const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => [m.name, m.startTime] as const));
      const since = (name: string): number | undefined => {
        const found = marks.filter(([n]) => n.startsWith(name)).at(-1);
        return found ? Math.round(found[1] + offset - (performance.timeOrigin + t0)) : undefined;
      };
      const slot = await page.evaluate((w: string) => (([...document.querySelectorAll('.slot')].find((el) => (el.querySelector('.textLayer')?.textContent ?? '').toLowerCase().includes(w)) as HTMLElement | undefined)?.dataset.id ?? ''), word);
      say(`  page: event ${since('preview:event')} ms, state ${since('preview:state')}, page ${slot}: draw ${since(`preview:draw:${slot}`)}, parsed ${since(`preview:parsed:${slot}`)}, drawn ${since(`preview:drawn:${slot}`)}`);
      await page.evaluate(() => performance.clearMarks());
      // Let the rest of the build (covers, PDFs, EPUB) finish before the next edit, as an author's pause would.
      await preview.session.idle();
      const state = preview.store.state;
      edits.push({
        ms: Math.round(ms),
        pagesMs: state.version > version ? state.timings.pages : undefined,
        stages: state.timings.stages ?? {},
        eventMs: since('preview:event'),
        partsLaidOut: state.relaid?.printed,
        parts: state.relaid?.parts,
      });
      say(`edit "${sentence}": on the page in ${Math.round(ms)} ms (${state.relaid?.printed} of ${state.relaid?.parts} parts laid out, pages ready ${state.timings.pages} ms after the build started)`);
    }
    const sorted = edits.map((e) => e.ms).sort((a, b) => a - b);
    const load: [number, number] = [Math.round(loadBefore * 10) / 10, Math.round(os.loadavg()[0]! * 10) / 10];
    return { chapter: `chapters/${chapterFile}`, edits, medianMs: sorted[Math.floor(sorted.length / 2)]!, firstBuildMs: Math.round(firstBuildMs), load };
  } finally {
    await viewer.close().catch(() => undefined);
    await preview.close();
  }
}

export function editLatencyTable(result: EditLatency): string {
  const rows = result.edits.map(
    (e, i) =>
      `| ${i + 1} | ${e.ms} ms | ${e.pagesMs ?? '?'} ms | ${e.stages.model ?? '?'} ms | ${e.stages.layout ?? '?'} ms | ${e.eventMs ?? '?'} ms | ${e.eventMs === undefined ? '?' : e.ms - e.eventMs} ms | ${e.partsLaidOut ?? '?'} of ${e.parts ?? '?'} |`,
  );
  return [
    `Preview edit-to-page latency, this repository's book, one sentence added to ${result.chapter} (first build ${(result.firstBuildMs / 1000).toFixed(1)} s; ` +
      `load average ${result.load[0]} before, ${result.load[1]} after, on ${os.cpus().length} cores):`,
    '',
    '| edit | save → on the page | build start → pages ready | of which model | of which layout | save → event at the page | event → page drawn | parts laid out |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `median: **${result.medianMs} ms**`,
  ].join('\n');
}
