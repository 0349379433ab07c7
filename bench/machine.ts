/** What the numbers were measured on: cores, memory, CPU, browser, Node, and which builder. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { findBrowser } from '../build/pdf/browser.ts';
import { BENCH_DIR } from './generate.ts';

export interface Machine {
  cores: number;
  memoryGiB: number;
  cpu: string;
  os: string;
  node: string;
  browser: string;
  /** The builder's commit, "+ changes" when build/, templates/ or assets/ differ from it. */
  builder: string;
}

export function describeMachine(): Machine {
  const executable = findBrowser();
  const version = executable ? spawnSync(executable, ['--version'], { encoding: 'utf8' }).stdout?.trim() : undefined;
  return {
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    browser: version || executable || 'no browser found',
    builder: builderVersion(),
  };
}

function builderVersion(): string {
  const cwd = path.dirname(BENCH_DIR);
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).stdout?.trim();
  if (!commit) return 'not a git checkout';
  const changed = spawnSync('git', ['status', '--porcelain', '--', 'build', 'templates', 'assets'], { cwd, encoding: 'utf8' }).stdout?.trim();
  return changed ? `${commit} + uncommitted changes` : commit;
}
