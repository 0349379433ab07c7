/** The two EPUB validators reachable here: Debian's EPUBCheck (Java) and @likecoin/epubcheck-ts. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './paths.ts';

export const EPUBCHECK_JAR = '/usr/share/java/epubcheck.jar';

export function ensureJavaEpubcheck(): void {
  if (existsSync(EPUBCHECK_JAR)) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`EPUBCheck is missing: install it with "sudo apt-get install epubcheck" (it provides ${EPUBCHECK_JAR})`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', 'epubcheck'], { stdio: 'inherit', env });
  if (install.status !== 0 || !existsSync(EPUBCHECK_JAR)) throw new Error('apt-get install epubcheck failed');
}

export interface CheckResult {
  errors: number;
  warnings: number;
  output: string;
}

export function javaEpubcheck(file: string): CheckResult {
  const run = spawnSync('java', ['-jar', EPUBCHECK_JAR, file], { encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  const m = /Messages: (\d+) fatals? \/ (\d+) errors? \/ (\d+) warnings?/.exec(output);
  if (!m) throw new Error(`EPUBCheck gave no summary:\n${output}`);
  return { errors: Number(m[1]) + Number(m[2]), warnings: Number(m[3]), output };
}

export function epubcheckTs(file: string): CheckResult {
  const bin = path.join(ROOT, 'node_modules', '@likecoin', 'epubcheck-ts', 'bin', 'epubcheck.js');
  const report = path.join(mkdtempSync(path.join(os.tmpdir(), 'epubcheck-ts-')), 'report.json');
  const run = spawnSync(process.execPath, [bin, file, '--json', report, '--fail-on-warnings'], { encoding: 'utf8' });
  const json = JSON.parse(readFileSync(report, 'utf8')) as { fatals: number; errors: number; warnings: number; messages: unknown[] };
  return { errors: json.fatals + json.errors, warnings: json.warnings, output: `${run.stdout}\n${JSON.stringify(json.messages, null, 1)}` };
}
