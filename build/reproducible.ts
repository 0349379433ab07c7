/**
 * The build's one timestamp, so that the same sources give the same bytes: SOURCE_DATE_EPOCH
 * when set (the reproducible-builds convention), else the book's last commit, else now.
 */
import { spawnSync } from 'node:child_process';

export function buildDate(bookDir: string): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  const git = spawnSync('git', ['log', '-1', '--format=%ct', '--', '.'], { cwd: bookDir, encoding: 'utf8' });
  const seconds = Number(git.stdout?.trim());
  if (git.status === 0 && seconds > 0) return new Date(seconds * 1000);
  const now = new Date();
  now.setMilliseconds(0);
  return now;
}
