/** One full build in its own process, so that its peak memory is its own. Run by spawn-measured.ts. */
import { buildBook } from '../build/build.ts';
import { printResult, readInput, type BuildChildInput } from './child-protocol.ts';

const input = readInput<BuildChildInput>();
const started = performance.now();
const result = await buildBook({ bookDir: input.bookDir, outDir: input.outDir, formats: input.formats, log: (m) => console.error(m) });
const totalMs = Math.round(performance.now() - started);
printResult({
  timings: result.timings,
  totalMs,
  printPageCount: result.printPageCount,
  files: result.files.map((f) => ({ format: f.format, bytes: f.bytes })),
  warnings: result.warnings,
  nodeMaxRssKiB: process.resourceUsage().maxRSS,
});
