/**
 * Outputs are written to temporary files beside their destination and renamed into place only
 * when every output of the build is ready: a failed build leaves the previous outputs untouched.
 */
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BookError } from '../errors.ts';

export class OutputSet {
  private readonly pending: { temp: string; final: string; folder?: boolean }[] = [];
  constructor(private readonly outDir: string) {}

  async prepare(): Promise<void> {
    try {
      await mkdir(this.outDir, { recursive: true });
      const info = await stat(this.outDir);
      if (!info.isDirectory()) throw new Error('not a folder');
    } catch (e) {
      throw new BookError(`cannot use the output folder ${this.outDir}: ${(e as Error).message}`);
    }
  }

  /** A temporary path for `name`; the file becomes `name` at commit(). */
  reserve(name: string): string {
    const final = path.join(this.outDir, name);
    const temp = path.join(this.outDir, `.${name}.${process.pid}.tmp`);
    this.pending.push({ temp, final });
    return temp;
  }

  /**
   * A temporary, empty folder for `name` (a whole site); it becomes `name` at commit(), and the
   * folder that was there before is removed only then. A failed build leaves it untouched.
   */
  async reserveDir(name: string): Promise<string> {
    const final = path.join(this.outDir, name);
    const temp = path.join(this.outDir, `.${name}.${process.pid}.tmp`);
    try {
      await rm(temp, { recursive: true, force: true });
      await mkdir(temp);
    } catch (e) {
      throw new BookError(`cannot write ${final}: ${(e as Error).message}`);
    }
    this.pending.push({ temp, final, folder: true });
    return temp;
  }

  async write(name: string, data: Uint8Array | string): Promise<void> {
    const temp = this.reserve(name);
    try {
      await writeFile(temp, data);
    } catch (e) {
      throw new BookError(`cannot write ${path.join(this.outDir, name)}: ${(e as Error).message}`);
    }
  }

  async commit(): Promise<string[]> {
    const replaced: string[] = [];
    for (const { temp, final, folder } of this.pending) {
      if (folder) {
        // A folder cannot be renamed over another: the old one steps aside first, and goes once
        // the new one is in place.
        const old = `${temp}.old`;
        await rm(old, { recursive: true, force: true });
        const exists = await stat(final).then(() => true, () => false);
        if (exists) {
          await rename(final, old);
          replaced.push(old);
        }
      }
      await rename(temp, final);
    }
    await Promise.all(replaced.map((old) => rm(old, { recursive: true, force: true })));
    return this.pending.map((p) => p.final);
  }

  async discard(): Promise<void> {
    await Promise.all(this.pending.map((p) => rm(p.temp, { recursive: Boolean(p.folder), force: true })));
  }
}

/** Bytes of a file, or of every file in a folder. */
export async function sizeOf(file: string): Promise<number> {
  const info = await stat(file);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(file)) total += await sizeOf(path.join(file, entry));
  return total;
}
