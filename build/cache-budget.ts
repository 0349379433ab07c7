/**
 * Keeps a cache folder (.cache/parts, .cache/diagrams) within a budget. Every build may add
 * files: each edit of a chapter in the preview writes a new version of its pages. Left alone the
 * folder would grow for as long as the book is worked on, and every build would list more of it.
 * After a build, the files it used are kept and marked as just used; of the others, the most
 * recently used are kept while they fit in the budget (so that undoing an edit still finds its
 * pages), and none older than the age limit.
 */
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';

export interface CacheBudget {
  /** Bytes the files this build did not use may take, together. */
  bytes: number;
  /** A file not used for longer than this goes, whatever the room. */
  days: number;
}

/** A temporary file older than this belongs to a build that died before renaming it. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export async function pruneCache(dir: string, used: ReadonlySet<string>, budget: CacheBudget, now = Date.now()): Promise<{ removed: number; kept: number }> {
  const seconds = now / 1000;
  await Promise.all([...used].map((name) => utimes(path.join(dir, name), seconds, seconds).catch(() => undefined)));
  const names = await readdir(dir).catch(() => [] as string[]);
  const others = (
    await Promise.all(
      names
        .filter((name) => !used.has(name))
        .map(async (name) => {
          const info = await stat(path.join(dir, name)).catch(() => undefined);
          return info?.isFile() ? { name, bytes: info.size, time: info.mtimeMs } : undefined;
        }),
    )
  ).filter((f) => f !== undefined);
  // Newest first: the room goes to what was used last.
  others.sort((a, b) => b.time - a.time || a.name.localeCompare(b.name));
  let room = budget.bytes;
  const oldest = now - budget.days * 24 * 60 * 60 * 1000;
  const doomed: string[] = [];
  for (const file of others) {
    const temp = file.name.endsWith('.tmp');
    if (temp ? file.time < now - STALE_TEMP_MS : file.time < oldest || file.bytes > room) doomed.push(file.name);
    else if (!temp) room -= file.bytes;
  }
  await Promise.all(doomed.map((name) => rm(path.join(dir, name), { force: true }).catch(() => undefined)));
  return { removed: doomed.length, kept: names.length - doomed.length };
}
