/**
 * `npm run build -- --watch`: the same rebuilds as the preview, without a server. On a copy of
 * the fixture book, the command builds, then builds again after a chapter is saved, replacing
 * its outputs whole (a new file renamed into place, never one rewritten where it stands), and
 * stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { badBooks } from './helpers/bad-books.ts';
import { readZip, text } from './helpers/epub.ts';
import { FIXTURE_SLUG, ROOT } from './helpers/paths.ts';

const { bookWith, cleanUp } = badBooks('watch');
afterAll(cleanUp);

it('rebuilds after an edit, writes the outputs whole, makes one build of a burst of saves, and stops on SIGTERM', async () => {
  const dir = bookWith({});
  const epub = path.join(dir, 'dist', `${FIXTURE_SLUG}.epub`);
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [path.join(ROOT, 'build', 'cli.ts'), '--book', dir, '--format', 'epub', '--watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const builds = (): number => stdout.match(/^built in /gm)?.length ?? 0;
  const until = async (done: () => boolean, what: string): Promise<void> => {
    for (let waited = 0; !done(); waited += 100) {
      if (waited > 120_000 || child.exitCode !== null) throw new Error(`${what}: not seen\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await until(() => builds() === 1, 'the first build');
    const first = statSync(epub);
    const chapter = path.join(dir, 'chapters', '01-the-lamp.md');
    writeFileSync(chapter, readFileSync(chapter, 'utf8').replace('The lens gathered the light', 'The great lens gathered the light'));
    await until(() => builds() === 2, 'the build after the edit');
    expect(stderr).toContain('changed: chapters/01-the-lamp.md');
    expect(text(await readZip(epub), 'EPUB/text/the-lamp.xhtml')).toContain('The great lens gathered the light');
    // Replaced by a rename: a new file, not the old one written over.
    expect(statSync(epub).ino).not.toBe(first.ino);
    expect(readdirSync(path.dirname(epub)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // Two files saved together make one build.
    const log = path.join(dir, 'chapters', '02-the-log.md');
    writeFileSync(chapter, readFileSync(chapter, 'utf8').replace('The great lens', 'The great brass lens'));
    writeFileSync(log, readFileSync(log, 'utf8').replace('Each night the keeper wrote', 'Each night the keeper carefully wrote'));
    await until(() => builds() === 3, 'the build after two saves');
    expect(stderr).toContain('changed: chapters/01-the-lamp.md, chapters/02-the-log.md');
    await new Promise((r) => setTimeout(r, 1500));
    expect(builds()).toBe(3);
    expect(text(await readZip(epub), 'EPUB/text/the-log.xhtml')).toContain('carefully wrote');
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
});
