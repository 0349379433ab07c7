/**
 * The peer: Vivliostyle CLI (a CSS typesetter running in Chromium) printing the same input as the
 * pandoc-HTML floor — pandoc's HTML and bench/floor-print.css — to a PDF. It is AGPL, so it is
 * never one of the project's dependencies: the bench finds an installed one, from
 * VIVLIOSTYLE_CLI (the path of its `vivliostyle` bin) or `vivliostyle` on PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { findBrowser } from '../build/pdf/browser.ts';
import { spawnSampled } from './spawn-measured.ts';
import { mib, type VivliostyleResult } from './results.ts';

export const VIVLIOSTYLE_VERSION = '11.3.3';
export const VIVLIOSTYLE_MISSING = `Vivliostyle CLI not found: install it with \`npm install -g @vivliostyle/cli@${VIVLIOSTYLE_VERSION}\` (or \`npm install --prefix DIR @vivliostyle/cli@${VIVLIOSTYLE_VERSION}\` and VIVLIOSTYLE_CLI=DIR/node_modules/.bin/vivliostyle)`;
/** Seconds Vivliostyle may take for one book (its own default, 300 s, is short for 1,500 pages). */
const TIMEOUT_S = 1800;

export interface VivliostyleCli {
  bin: string;
  /** "Vivliostyle CLI 11.3.3 (core 2.45.1)". */
  version: string;
}

/** The installed CLI, or a message saying why there is none. */
export function findVivliostyle(env: NodeJS.ProcessEnv = process.env): VivliostyleCli | { missing: string } {
  const bin = env.VIVLIOSTYLE_CLI || 'vivliostyle';
  if (env.VIVLIOSTYLE_CLI && !existsSync(bin)) return { missing: `VIVLIOSTYLE_CLI=${bin}, but there is no file there. ${VIVLIOSTYLE_MISSING}` };
  const run = spawnSync(bin, ['--version'], { encoding: 'utf8', env });
  if (run.error || run.status !== 0) return { missing: VIVLIOSTYLE_MISSING };
  // `vivliostyle --version` prints "cli: 11.3.3" and "core: 2.45.1" on two lines.
  const cli = /cli:\s*(\S+)/.exec(run.stdout)?.[1];
  const core = /core:\s*(\S+)/.exec(run.stdout)?.[1];
  return { bin, version: cli ? `Vivliostyle CLI ${cli}${core ? ` (core ${core})` : ''}` : `Vivliostyle CLI ${run.stdout.trim()}` };
}

/** The first line that says what went wrong, without the CLI's colours. */
const briefError = (output: string): string => {
  // The CLI colours its log with ANSI escapes even into a pipe.
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /error|fail|cannot|timeout/i.test(l)) ?? lines.at(-1) ?? 'no output').slice(0, 200);
};

/**
 * `vivliostyle build book.html --single-doc -o pdfFile --executable-browser <the builder's
 * Chromium>`, timed wall-clock from spawn to exit (its Node start-up, its server and browser
 * launch included: what a user waits for). Build mode is headless, and without --sandbox the
 * CLI launches Chromium with --no-sandbox, which root needs.
 */
export async function runVivliostyle(cli: VivliostyleCli, htmlFile: string, pdfFile: string, env: NodeJS.ProcessEnv): Promise<VivliostyleResult> {
  const browser = findBrowser();
  if (!browser) return { error: 'no Chromium for Vivliostyle (the builder found none)' };
  const args = ['build', path.basename(htmlFile), '--single-doc', '-o', pdfFile, '--executable-browser', browser, '--timeout', String(TIMEOUT_S), '--log-level', 'info'];
  const run = await spawnSampled(cli.bin, args, { cwd: path.dirname(htmlFile), env });
  if (run.code !== 0 || !existsSync(pdfFile)) return { error: `exited with ${run.code}: ${briefError(`${run.stderr}\n${run.stdout}`)}` };
  const bytes = await readFile(pdfFile);
  const pages = (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount();
  return {
    ms: run.processMs,
    pages,
    pdfBytes: bytes.length,
    browserPeakRssMiB: mib(run.tree.browserRssBytes),
    browserPeakPssMiB: mib(run.tree.browserPssBytes),
    cpuSeconds: run.tree.treeCpuSeconds === undefined ? undefined : Math.round(run.tree.treeCpuSeconds * 10) / 10,
    otherCores: run.tree.otherCores === undefined ? undefined : Math.round(run.tree.otherCores * 10) / 10,
  };
}
