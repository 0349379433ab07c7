/** Markdown tables of a bench run, and of its changes since the previous run. */
import type { BenchResults, SizeResult } from './results.ts';

const s = (ms: number | undefined): string => (ms === undefined ? '–' : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1));
const size = (bytes: number | undefined): string =>
  bytes === undefined ? '–' : bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
const mib = (value: number | undefined): string => (value === undefined ? '–' : `${value} MiB`);
const ratio = (a: number, b: number | undefined): string => (b ? `${(a / b).toFixed(1)}×` : '–');
const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: (string | number)[][]): string =>
  [row(head), row(head.map((h, i) => (i === 0 ? '---' : '---:'))), ...rows.map(row)].join('\n');

/** Stages in the order the build reports them, across every size. */
const stagesOf = (sizes: SizeResult[]): string[] => [...new Set(sizes.flatMap((r) => Object.keys(r.timings)))];
const fileBytes = (r: SizeResult, format: string): number | undefined => r.files.find((f) => f.format === format)?.bytes;

export function resultTables(results: BenchResults): string {
  const { sizes, machine } = results;
  const stages = stagesOf(sizes);
  const out: string[] = [];
  out.push(
    `Measured ${results.date} on ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ${machine.os}; ` +
      `${machine.browser}; Node ${machine.node}; builder ${machine.builder}.`,
  );
  out.push('', "**Time per stage** (wall seconds from buildBook's `timings`, in the order they ran; stages the builder overlaps sum to more than the total; CPU s: Node and browser together)", '');
  out.push(
    table(
      ['chapters', 'print pages', ...stages, 'total', 'pages/s', 'CPU s'],
      sizes.map((r) => [
        r.chapters,
        r.printPages ?? '–',
        ...stages.map((k) => s(r.timings[k])),
        `**${s(r.totalMs)}**`,
        r.pagesPerSecond?.toFixed(1) ?? '–',
        r.cpuSeconds?.toFixed(1) ?? '–',
      ]),
    ),
  );
  out.push('', '**Outputs and peak memory** (browser: Chromium process tree, RSS summed every 100 ms; PSS counts shared pages once)', '');
  out.push(
    table(
      ['chapters', 'words', 'screen PDF', 'print PDF', 'EPUB', 'Node peak RSS', 'browser peak RSS', 'browser peak PSS', 'browser processes'],
      sizes.map((r) => [
        r.chapters,
        r.words.toLocaleString('en'),
        size(fileBytes(r, 'pdf')),
        size(fileBytes(r, 'print')),
        size(fileBytes(r, 'epub')),
        mib(r.nodePeakRssMiB),
        mib(r.browserPeakRssMiB),
        mib(r.browserPeakPssMiB),
        r.browserProcesses,
      ]),
    ),
  );
  out.push('', '**Against the floor and pandoc** (floor: Chromium printing the whole book once as one HTML document; pandoc: Markdown → EPUB 3 on the same chapters)', '');
  out.push(
    table(
      ['chapters', 'floor (goto + pdf)', 'floor pages', 'floor browser peak RSS / PSS', 'full build / floor', 'EPUB stage (in build / alone)', 'pandoc EPUB', 'EPUB stage / pandoc (in build / alone)'],
      sizes.map((r) => [
        r.chapters,
        `${s(r.floor.ms)} s (${s(r.floor.gotoMs)} + ${s(r.floor.pdfMs)})`,
        r.floor.pages,
        `${mib(r.floor.browserPeakRssMiB)} / ${mib(r.floor.browserPeakPssMiB)}`,
        ratio(r.totalMs, r.floor.ms),
        `${s(r.timings.epub)} s / ${s(r.epubAloneMs)} s`,
        r.pandoc ? `${s(r.pandoc.ms)} s, ${size(r.pandoc.bytes)}` : 'pandoc not installed',
        r.pandoc ? `${ratio(r.timings.epub ?? 0, r.pandoc.ms)} / ${ratio(r.epubAloneMs, r.pandoc.ms)}` : '–',
      ]),
    ),
  );
  const busy = sizes.filter((r) => (r.otherCores ?? 0) > 0.2 || (r.floor.otherCores ?? 0) > 0.2);
  if (busy.length > 0) {
    const which = busy.map((r) => `${r.otherCores?.toFixed(1) ?? '?'} cores during the ${r.chapters}-chapter build (${r.floor.otherCores?.toFixed(1) ?? '?'} during its floor)`);
    out.push('', `Note: other processes kept ${which.join(', ')} busy on average, out of ${machine.cores}: these times may be inflated.`);
  }
  if (sizes.some((r) => r.pandoc)) out.push('', `pandoc: ${sizes.find((r) => r.pandoc)!.pandoc!.version}.`);
  return out.join('\n');
}

/** `minForPercent`: below it, a change in percent is noise (a stage of 10 ms taking 20 ms). */
const delta = (now: number | undefined, before: number | undefined, unit: (n: number) => string, minForPercent = 0): string => {
  if (now === undefined || before === undefined) return '–';
  const d = now - before;
  const pct = before !== 0 && Math.abs(before) >= minForPercent ? ` (${d >= 0 ? '+' : '−'}${Math.abs((d / before) * 100).toFixed(0)}%)` : '';
  return `${d >= 0 ? '+' : '−'}${unit(Math.abs(d))}${pct}`;
};

/** Changes since the previous run, size by size (only sizes measured both times). */
export function deltaTable(latest: BenchResults, previous: BenchResults): string | undefined {
  const pairs = latest.sizes.flatMap((r) => {
    const before = previous.sizes.find((p) => p.chapters === r.chapters);
    return before ? [[r, before] as const] : [];
  });
  if (pairs.length === 0) return undefined;
  const stages = stagesOf(pairs.map(([r]) => r));
  const sec = (ms: number): string => `${s(ms)} s`;
  const rows = pairs.map(([r, p]) => [
    r.chapters,
    ...stages.map((k) => delta(r.timings[k], p.timings[k], sec, 100)),
    delta(r.totalMs, p.totalMs, sec),
    delta(r.pagesPerSecond, p.pagesPerSecond, (n) => n.toFixed(1)),
    delta(r.nodePeakRssMiB, p.nodePeakRssMiB, (n) => `${n} MiB`),
    delta(r.browserPeakRssMiB, p.browserPeakRssMiB, (n) => `${n} MiB`),
    delta(r.printPages, p.printPages, String),
  ]);
  return [
    `**Change since the previous run** (${previous.date})`,
    '',
    table(['chapters', ...stages, 'total', 'pages/s', 'Node peak RSS', 'browser peak RSS', 'print pages'], rows),
  ].join('\n');
}
