/** Markdown tables of a bench run, and of its changes since the previous run. */
import type { BenchResults, SizeResult } from './results.ts';

const s = (ms: number | undefined): string => (ms === undefined ? '–' : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1));
const size = (bytes: number | undefined): string =>
  bytes === undefined ? '–' : bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
const mib = (value: number | undefined): string => (value === undefined ? '–' : `${value} MiB`);
/** a / b, with two decimals below 1 (an EPUB stage at 0.05× pandoc is not 0.0×). */
const ratio = (a: number, b: number | undefined): string => (b ? `${(a / b).toFixed(a / b < 0.95 ? 2 : 1)}×` : '–');
const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: (string | number)[][]): string =>
  [row(head), row(head.map((h, i) => (i === 0 ? '---' : '---:'))), ...rows.map(row)].join('\n');

/** Stages in the order the build reports them, across every size. */
const stagesOf = (sizes: SizeResult[]): string[] => [...new Set(sizes.flatMap((r) => Object.keys(r.timings)))];
const fileBytes = (r: SizeResult, format: string): number | undefined => r.files.find((f) => f.format === format)?.bytes;

/** The memory of one run: "1330 / 631 MiB" (RSS / PSS). */
const rssPss = (rss: number | undefined, pss: number | undefined): string => (rss === undefined && pss === undefined ? '–' : `${rss ?? '–'} / ${pss ?? '–'} MiB`);

export function resultTables(results: BenchResults): string {
  const { sizes, machine, tools, load } = results;
  const stages = stagesOf(sizes);
  const out: string[] = [];
  out.push(
    `Measured ${results.date} on ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ${machine.os}; ` +
      `${machine.browser}; Node ${machine.node}; builder ${machine.builder}` +
      (tools ? `; ${tools.pandoc}; ${tools.vivliostyle}` : '') +
      (load ? `; 1-minute load average ${load.start.toFixed(2)} at the start, ${load.end.toFixed(2)} at the end` : '') +
      '.',
  );
  const formats = sizes.find((r) => r.formats)?.formats;
  out.push('', `**Time per stage** (full build${formats ? ` of ${formats.join(', ')}` : ''}; wall seconds from buildBook's \`timings\`, in the order they ran; stages the builder overlaps sum to more than the total; CPU s: Node and browser together)`, '');
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
      ['chapters', 'words', 'screen PDF', 'print PDF', 'print cover', 'EPUB', 'Node peak RSS', 'browser peak RSS', 'browser peak PSS', 'browser processes'],
      sizes.map((r) => [
        r.chapters,
        r.words.toLocaleString('en'),
        size(fileBytes(r, 'pdf')),
        size(fileBytes(r, 'print')),
        size(fileBytes(r, 'cover')),
        size(fileBytes(r, 'epub')),
        mib(r.nodePeakRssMiB),
        mib(r.browserPeakRssMiB),
        mib(r.browserPeakPssMiB),
        r.browserProcesses,
      ]),
    ),
  );

  const vivliostyleMs = (r: SizeResult): number | undefined => (r.vivliostyle && r.vivliostyle.error === undefined ? r.vivliostyle.ms : undefined);
  const vivliostylePages = (r: SizeResult): number | undefined => (r.vivliostyle && r.vivliostyle.error === undefined ? r.vivliostyle.pages : undefined);
  out.push(
    '',
    '**Against the floors and the peers** (floor (ours): Chromium printing the builder\'s HTML of the whole book as one document; ' +
      'pandoc-HTML floor: Chromium printing pandoc\'s HTML of the chapters with one print stylesheet, as one document; ' +
      'Vivliostyle CLI: the same input as the pandoc-HTML floor, PDF only, wall clock of the whole command; floors: goto + pdf, launch excluded)',
    '',
  );
  out.push(
    table(
      ['chapters', 'full build', 'floor (ours)', 'pandoc-HTML floor', 'Vivliostyle CLI, PDF only', 'pages: build / floor / pandoc floor / Vivliostyle', 'full build / floor', 'full build / pandoc-HTML floor', 'Vivliostyle / full build'],
      sizes.map((r) => [
        r.chapters,
        `**${s(r.totalMs)} s**`,
        `${s(r.floor.ms)} s (${s(r.floor.gotoMs)} + ${s(r.floor.pdfMs)})`,
        r.pandocFloor ? `${s(r.pandocFloor.ms)} s (${s(r.pandocFloor.gotoMs)} + ${s(r.pandocFloor.pdfMs)})` : '–',
        vivliostyleMs(r) === undefined ? '–' : `${s(vivliostyleMs(r))} s`,
        [r.printPages, r.floor.pages, r.pandocFloor?.pages, vivliostylePages(r)].map((n) => n ?? '–').join(' / '),
        ratio(r.totalMs, r.floor.ms),
        r.pandocFloor ? ratio(r.totalMs, r.pandocFloor.ms) : '–',
        vivliostyleMs(r) === undefined ? '–' : ratio(vivliostyleMs(r)!, r.totalMs),
      ]),
    ),
  );
  out.push('', '**The floors and the peers: peak browser memory and side costs** (RSS / PSS, as above; Vivliostyle: its whole Chromium tree; pandoc → HTML: the conversion, not counted in the pandoc-HTML floor)', '');
  out.push(
    table(
      ['chapters', 'full build', 'floor (ours)', 'pandoc-HTML floor', 'Vivliostyle CLI', 'pandoc → HTML', 'Vivliostyle CPU s'],
      sizes.map((r) => [
        r.chapters,
        rssPss(r.browserPeakRssMiB, r.browserPeakPssMiB),
        rssPss(r.floor.browserPeakRssMiB, r.floor.browserPeakPssMiB),
        r.pandocFloor ? rssPss(r.pandocFloor.browserPeakRssMiB, r.pandocFloor.browserPeakPssMiB) : '–',
        r.vivliostyle && r.vivliostyle.error === undefined ? rssPss(r.vivliostyle.browserPeakRssMiB, r.vivliostyle.browserPeakPssMiB) : '–',
        r.pandocFloor ? `${s(r.pandocFloor.pandocMs)} s, ${size(r.pandocFloor.htmlBytes)}` : '–',
        r.vivliostyle && r.vivliostyle.error === undefined ? (r.vivliostyle.cpuSeconds?.toFixed(1) ?? '–') : '–',
      ]),
    ),
  );
  out.push('', '**EPUB against pandoc** (pandoc: Markdown → EPUB 3 on the same chapters)', '');
  out.push(
    table(
      ['chapters', 'EPUB stage (in build / alone)', 'pandoc EPUB', 'EPUB stage / pandoc (in build / alone)'],
      sizes.map((r) => [
        r.chapters,
        `${s(r.timings.epub)} s / ${s(r.epubAloneMs)} s`,
        r.pandoc ? `${s(r.pandoc.ms)} s, ${size(r.pandoc.bytes)}` : '–',
        r.pandoc ? `${ratio(r.timings.epub ?? 0, r.pandoc.ms)} / ${ratio(r.epubAloneMs, r.pandoc.ms)}` : '–',
      ]),
    ),
  );

  const missing: string[] = [];
  if (!sizes.some((r) => r.pandoc)) missing.push('pandoc not installed (`apt-get install pandoc`): no pandoc-HTML floor, no Vivliostyle run (it prints pandoc\'s HTML), no EPUB reference.');
  else if (tools && !sizes.some((r) => r.vivliostyle)) missing.push(`${tools.vivliostyle}: install it with \`npm install -g @vivliostyle/cli@11.3.3\` (or a prefix install and VIVLIOSTYLE_CLI), never into the project.`);
  for (const r of sizes) if (r.vivliostyle?.error !== undefined) missing.push(`Vivliostyle failed on the ${r.chapters}-chapter book: ${r.vivliostyle.error}`);
  if (missing.length > 0) out.push('', ...missing);

  const others = (r: SizeResult): [string, number | undefined][] => [
    ['build', r.otherCores],
    ['floor', r.floor.otherCores],
    ['pandoc-HTML floor', r.pandocFloor?.otherCores],
    ['Vivliostyle', r.vivliostyle?.error === undefined ? r.vivliostyle?.otherCores : undefined],
  ];
  const busy = sizes.filter((r) => others(r).some(([, n]) => (n ?? 0) > 0.2));
  if (busy.length > 0) {
    const which = busy.map(
      (r) =>
        `at ${r.chapters} chapters ` +
        others(r)
          .filter(([, n]) => n !== undefined)
          .map(([what, n]) => `${n!.toFixed(1)} during the ${what}`)
          .join(', '),
    );
    out.push('', `Note: other processes kept cores busy (on average, out of ${machine.cores}): ${which.join('; ')}. Above about 0.2 cores, the times beside them may be inflated.`);
  }
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
