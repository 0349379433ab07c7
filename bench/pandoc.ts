/**
 * pandoc on the same chapter files, where it is installed: Markdown → EPUB 3 (the EPUB reference),
 * and Markdown → one standalone HTML5 document with bench/floor-print.css (the input of the
 * pandoc-HTML floor, bench/pandoc-floor-child.ts, and of Vivliostyle, bench/vivliostyle.ts).
 * --file-scope parses each chapter on its own, as the builder does: without it, the chapters'
 * note labels ([^n1] in every chapter) collide and later chapters' notes point at the first's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { BENCH_DIR } from './generate.ts';

/** The one print stylesheet of the pandoc-HTML floor and of Vivliostyle. */
export const FLOOR_PRINT_CSS = path.join(BENCH_DIR, 'floor-print.css');

export function pandocVersion(): string | undefined {
  const run = spawnSync('pandoc', ['--version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) return undefined;
  return run.stdout.split('\n')[0]?.trim();
}

export interface PandocTiming {
  ms: number;
  bytes: number;
}

const chapterFiles = (bookDir: string): { cwd: string; files: string[] } => {
  const cwd = path.join(bookDir, 'chapters');
  return { cwd, files: readdirSync(cwd).filter((f) => f.endsWith('.md')).sort() };
};

function runPandoc(args: string[], cwd: string, outFile: string): Promise<PandocTiming> {
  const started = performance.now();
  const child = spawn('pandoc', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Math.round(performance.now() - started);
      if (code !== 0) reject(new Error(`pandoc exited with ${code}: ${stderr.trim()}`));
      else resolve({ ms, bytes: statSync(outFile).size });
    });
  });
}

export function timePandocEpub(bookDir: string, outFile: string, title: string): Promise<PandocTiming> {
  const { cwd, files } = chapterFiles(bookDir);
  return runPandoc(['-f', 'markdown', '-t', 'epub3', '--file-scope', '--metadata', `title=${title}`, '-o', outFile, ...files], cwd, outFile);
}

export interface PandocHtml extends PandocTiming {
  /** workDir/book.html, with floor-print.css and images/ beside it. */
  htmlFile: string;
}

/**
 * `pandoc -f markdown -t html5 --standalone` of all chapters at once into `workDir`, linking
 * floor-print.css (given --css, pandoc leaves its own document CSS out). `pagetitle` names the
 * document without adding a title block, so the first page is the first chapter's.
 */
export async function pandocHtml(bookDir: string, workDir: string, meta: { title: string; language: string }): Promise<PandocHtml> {
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  const { cwd, files } = chapterFiles(bookDir);
  // Copies, not symlinks: Vivliostyle serves the folder over HTTP and need not follow links out of it.
  if (existsSync(path.join(cwd, 'images'))) await cp(path.join(cwd, 'images'), path.join(workDir, 'images'), { recursive: true });
  await copyFile(FLOOR_PRINT_CSS, path.join(workDir, 'floor-print.css'));
  const htmlFile = path.join(workDir, 'book.html');
  const args = ['-f', 'markdown', '-t', 'html5', '--standalone', '--file-scope', '--metadata', `pagetitle=${meta.title}`, '--metadata', `lang=${meta.language}`, '--css', 'floor-print.css', '-o', htmlFile, ...files];
  return { htmlFile, ...(await runPandoc(args, cwd, htmlFile)) };
}
