/**
 * Runs a bench child script (`node --import tsx`, one process, no tsx wrapper) while sampling its
 * process tree (browser memory, CPU), and returns what it printed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BENCH_DIR } from './generate.ts';
import { RESULT_PREFIX, type BuildChildInput, type BuildChildOutput, type FloorChildInput, type FloorChildOutput } from './child-protocol.ts';
import { sampleProcessTree, type TreeSample } from './proc-sampler.ts';

export interface Measured<T> {
  result: T;
  /** Browser memory peaks and CPU, from /proc. */
  tree: TreeSample;
  /** Wall time of the whole child process, start-up included, ms. */
  processMs: number;
}

export function runBuildChild(input: BuildChildInput, env: NodeJS.ProcessEnv): Promise<Measured<BuildChildOutput>> {
  return runChild('build-child.ts', input, env);
}

export function runFloorChild(input: FloorChildInput, env: NodeJS.ProcessEnv): Promise<Measured<FloorChildOutput>> {
  return runChild('floor-child.ts', input, env);
}

function runChild<T>(script: string, input: BuildChildInput | FloorChildInput, env: NodeJS.ProcessEnv): Promise<Measured<T>> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, script), JSON.stringify(input)], {
    cwd: path.dirname(BENCH_DIR),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sampler = child.pid !== undefined ? sampleProcessTree(child.pid) : undefined;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const tree = sampler?.stop() ?? { browserRssBytes: undefined, browserPssBytes: undefined, browserProcesses: 0, treeCpuSeconds: undefined, otherCores: undefined };
      const processMs = Math.round(performance.now() - started);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        const output = (stderr.trim() || stdout.trim()).split('\n').slice(0, 12).join('\n');
        reject(new Error(`${script} exited with ${code}:\n${output}`));
        return;
      }
      resolve({ result: JSON.parse(line.slice(RESULT_PREFIX.length)) as T, tree, processMs }); // printed by the child from T
    });
  });
}
