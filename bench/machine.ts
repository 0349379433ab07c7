/** What the numbers were measured on: cores, memory, CPU, browser, Node. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { findBrowser } from '../build/pdf/browser.ts';

export interface Machine {
  cores: number;
  memoryGiB: number;
  cpu: string;
  os: string;
  node: string;
  browser: string;
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
  };
}
