/**
 * The one gate every book file passes before the builder reads it: chapters, images, the cover
 * image, book.yaml, and the templates and assets a book overrides. After following symbolic
 * links (realpath) the file must lie inside the book folder, or, for templates and assets, inside
 * the builder's own defaults; and it must be a plain file. A link to /etc/hostname would otherwise
 * put that file's text in the outputs, a folder named like a chapter would stop the build with a
 * stack trace, and reading a FIFO blocks for ever: all are refused here, by stat alone, before
 * anything opens them.
 */
import { lstatSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { BookError } from '../errors.ts';
import { BUILDER_ROOT } from '../paths.ts';

export interface FileWhere {
  /** The file to name in the message (relative to the book folder), or the file that uses it. */
  file: string;
  line?: number;
  column?: number;
}

export interface BookFileOptions {
  /** Folders the file may resolve into: the book folder, and for templates and assets the builder's defaults. */
  roots: readonly string[];
  /** What the file is, as the message names it: `chapter chapters/01.md`, `image "images/a.png"`. */
  name: string;
  where: FileWhere;
  /** The message when nothing is there (default: "<name> does not exist"). */
  missing?: string;
  /** The hint of the "missing" error (a nearby name). */
  missingHint?: () => string | undefined;
}

/** Where the builder's own defaults live: files a book's templates and assets may link to. */
export const BUILDER_DEFAULTS: readonly string[] = [path.join(BUILDER_ROOT, 'templates'), path.join(BUILDER_ROOT, 'assets')];

/**
 * The real path of a book file, after checking that it is a plain file inside one of the roots;
 * otherwise a BookError that names it and says what is there instead.
 */
export function requireBookFile(file: string, options: BookFileOptions): string {
  const { name, where } = options;
  let real: string;
  try {
    real = realpathSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') {
      throw new BookError(`${name} is a symbolic link that leads round in a loop; point it at a real file, or copy the file there`, where);
    }
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const link = linkTarget(file);
      if (link !== undefined) {
        throw new BookError(`${name} is a symbolic link to ${link}, which does not exist; point it at a file inside the book, or copy the file there`, where);
      }
      throw new BookError(options.missing ?? `${name} does not exist`, { ...where, ...hintOf(options) });
    }
    throw new BookError(`${name} cannot be read (${code ?? (e as Error).message}); check its permissions`, where);
  }
  if (!options.roots.some((root) => isInside(real, realRoot(root)))) {
    const via = isLink(file) ? `is a symbolic link to ${real}` : `leads, through a linked folder, to ${real}`;
    throw new BookError(`${name} ${via}, outside the book folder; the builder reads only files inside the book: copy the file into it`, where);
  }
  let stats: Stats;
  try {
    stats = statSync(real);
  } catch (e) {
    throw new BookError(`${name} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check its permissions`, where);
  }
  if (!stats.isFile()) throw new BookError(`${name} is ${kindOf(stats)}, not a file; replace it with the file it stands for`, where);
  return real;
}

/** What is there instead of a file, in words: "a folder", "a FIFO (named pipe)". */
export function kindOf(stats: Stats): string {
  if (stats.isFile()) return 'a file';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a plain file';
}

/** Whether something (even a broken link) stands at the path: a book's override is meant then. */
export function existsAsEntry(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** The book folder itself, after links: a book kept behind a symbolic link still builds. */
export function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return path.resolve(root);
  }
}

export function isInside(file: string, root: string): boolean {
  return file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Where a broken symbolic link points, or undefined when the path is no link. */
function linkTarget(file: string): string | undefined {
  try {
    if (!lstatSync(file).isSymbolicLink()) return undefined;
    return path.resolve(path.dirname(file), readlinkSync(file));
  } catch {
    return undefined;
  }
}

function hintOf(options: BookFileOptions): { hint?: string } {
  const hint = options.missingHint?.();
  return hint ? { hint } : {};
}
