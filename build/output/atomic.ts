/**
 * Outputs are written to temporary files beside their destination and renamed into place only
 * when every output of the build is ready: a failed build leaves the previous outputs untouched.
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BookError } from '../errors.ts';

export class OutputSet {
  private readonly pending: { temp: string; final: string }[] = [];
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

  async write(name: string, data: Uint8Array | string): Promise<void> {
    const temp = this.reserve(name);
    try {
      await writeFile(temp, data);
    } catch (e) {
      throw new BookError(`cannot write ${path.join(this.outDir, name)}: ${(e as Error).message}`);
    }
  }

  async commit(): Promise<string[]> {
    for (const { temp, final } of this.pending) await rename(temp, final);
    return this.pending.map((p) => p.final);
  }

  async discard(): Promise<void> {
    await Promise.all(this.pending.map((p) => rm(p.temp, { force: true })));
  }
}
