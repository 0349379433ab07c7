/**
 * Runs a bench child script (`node --import tsx`, one process, no tsx wrapper), or another
 * program (Vivliostyle CLI), while sampling its process tree (browser memory, CPU), and returns
 * what it printed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BENCH_DIR } from './generate.ts';
import {
  RESULT_PREFIX,
  type BuildChildInput,
  type BuildChildOutput,
  type ChildInput,
  type FloorChildInput,
  type FloorChildOutput,
  type PandocFloorChildInput,
} from './child-protocol.ts';
import { sampleProcessTree, type TreeSample } from './proc-sampler.ts';

export interface Measured<T> {
  result: T;
  /** Browser memory peaks and CPU, from /proc. */
  tree: TreeSample;
  /** Wall time of the whole child process, start-up included, ms. */
  processMs: number;
}

export interface Sampled {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
  tree: TreeSample;
  /** Wall time from spawn to exit, ms. */
  processMs: number;
}

export function runBuildChild(input: BuildChildInput, env: NodeJS.ProcessEnv): Promise<Measured<BuildChildOutput>> {
  return runChild('build-child.ts', input, env);
}

export function runFloorChild(input: FloorChildInput, env: NodeJS.ProcessEnv): Promise<Measured<FloorChildOutput>> {
  return runChild('floor-child.ts', input, env);
}

export function runPandocFloorChild(input: PandocFloorChildInput, env: NodeJS.ProcessEnv): Promise<Measured<FloorChildOutput>> {
  return runChild('pandoc-floor-child.ts', input, env);
}

/** Spawns `command`, samples its tree until it exits; never rejects for a non-zero exit. */
export function spawnSampled(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Sampled> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const sampler = child.pid !== undefined ? sampleProcessTree(child.pid) : undefined;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', (e) => {
      sampler?.stop();
      reject(e);
    });
    child.on('close', (code) => {
      const tree = sampler?.stop() ?? { browserRssBytes: undefined, browserPssBytes: undefined, browserProcesses: 0, treeCpuSeconds: undefined, otherCores: undefined };
      resolve({ code, stdout, stderr, tree, processMs: Math.round(performance.now() - started) });
    });
  });
}

async function runChild<T>(script: string, input: ChildInput, env: NodeJS.ProcessEnv): Promise<Measured<T>> {
  const run = await spawnSampled(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, script), JSON.stringify(input)], { cwd: path.dirname(BENCH_DIR), env });
  const line = run.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (run.code !== 0 || !line) {
    const output = (run.stderr.trim() || run.stdout.trim()).split('\n').slice(0, 12).join('\n');
    throw new Error(`${script} exited with ${run.code}:\n${output}`);
  }
  return { result: JSON.parse(line.slice(RESULT_PREFIX.length)) as T, tree: run.tree, processMs: run.processMs }; // printed by the child from T
}
