/** The EPUB reference: pandoc's Markdown → EPUB 3 on the same chapter files, where pandoc is installed. */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function pandocVersion(): string | undefined {
  const run = spawnSync('pandoc', ['--version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) return undefined;
  return run.stdout.split('\n')[0]?.trim();
}

export interface PandocTiming {
  ms: number;
  bytes: number;
}

export function timePandocEpub(bookDir: string, outFile: string, title: string): Promise<PandocTiming> {
  const chapters = path.join(bookDir, 'chapters');
  const files = readdirSync(chapters).filter((f) => f.endsWith('.md')).sort();
  const args = ['-f', 'markdown', '-t', 'epub3', '--metadata', `title=${title}`, '-o', outFile, ...files];
  const started = performance.now();
  const child = spawn('pandoc', args, { cwd: chapters, stdio: ['ignore', 'ignore', 'pipe'] });
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
