/** DAISY Ace, the EPUB accessibility checker, driven with the same local Chromium as the build. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ensureBrowser } from '../../build/pdf/browser.ts';
import { ROOT } from './paths.ts';

export interface AceResult {
  outcome: string;
  violations: { file: string; impact: string; rule: string; title: string }[];
  output: string;
}

export function runAce(epub: string): AceResult {
  const out = mkdtempSync(path.join(os.tmpdir(), 'ace-'));
  const bin = path.join(ROOT, 'node_modules', '@daisy', 'ace-cli', 'bin', 'ace.js');
  const run = spawnSync(process.execPath, [bin, '--silent', '-o', out, '-f', epub], {
    encoding: 'utf8',
    env: { ...process.env, PUPPETEER_EXECUTABLE_PATH: ensureBrowser(() => undefined) },
    timeout: 170_000,
  });
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as {
    'earl:result': { 'earl:outcome': string };
    assertions: { 'earl:testSubject': { url: string }; assertions?: { 'earl:test': { 'earl:impact': string; 'dct:title': string; 'dct:description'?: string } }[] }[];
  };
  const violations = report.assertions.flatMap((a) =>
    (a.assertions ?? []).map((x) => ({
      file: a['earl:testSubject'].url,
      impact: x['earl:test']['earl:impact'],
      rule: x['earl:test']['dct:title'],
      title: x['earl:test']['dct:description'] ?? '',
    })),
  );
  return { outcome: report['earl:result']['earl:outcome'], violations, output: `${run.stdout}${run.stderr}` };
}
