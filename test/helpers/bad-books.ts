/** Variants of the fixture book (bad ones, built with the CLI as a user would run it; others with other settings). */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { FIXTURE_BOOK, ROOT } from './paths.ts';
import { buildBook, type Format } from '../../build/build.ts';

export interface CliResult {
  status: number | null;
  stderr: string;
  stdout: string;
}

/** A scratch folder for one test file, and copies of the fixture book with some files replaced. */
export function badBooks(name: string): { scratch: string; bookWith(files: Record<string, string | Buffer | null>): string; cleanUp(): void } {
  const scratch = mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  let counter = 0;
  return {
    scratch,
    bookWith(files) {
      const dir = path.join(scratch, `book-${++counter}`);
      cpSync(FIXTURE_BOOK, dir, { recursive: true });
      for (const [rel, content] of Object.entries(files)) {
        if (content === null) rmSync(path.join(dir, rel), { force: true });
        else writeFileSync(path.join(dir, rel), content);
      }
      return dir;
    },
    cleanUp: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

/** Runs the CLI on a book folder with extra arguments (default: only the EPUB) and environment. */
export function runCli(dir: string, args: string[] = ['--format', 'epub'], env: Record<string, string> = {}): CliResult {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const run = spawnSync(tsx, [path.join(ROOT, 'build', 'cli.ts'), '--book', dir, ...args], {
    encoding: 'utf8',
    timeout: 170_000,
    env: { ...process.env, ...env },
  });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

/** The failure a user should see: exit 1, the message, and no stack trace. */
export function expectError(result: CliResult, pattern: RegExp): void {
  expect(result.status, result.stderr).toBe(1);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

/** Builds a copy of the fixture book whose book.yaml has `from` replaced by `to`; returns the output folder. */
export async function buildFixtureVariant(from: string, to: string, formats: readonly Format[]): Promise<string> {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'variant-')), 'book');
  cpSync(FIXTURE_BOOK, dir, { recursive: true });
  const yaml = readFileSync(path.join(dir, 'book.yaml'), 'utf8');
  expect(yaml).toContain(from);
  writeFileSync(path.join(dir, 'book.yaml'), yaml.replace(from, to));
  await buildBook({ bookDir: dir, outDir: path.join(dir, 'out'), formats });
  return path.join(dir, 'out');
}
