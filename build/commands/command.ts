/**
 * What a command is: its name, its options (listed by --help), and what it runs. Each command is
 * a file in this folder; build/cli.ts only finds the one asked for and runs it. The command
 * files import the builder's stages inside run(), so that `check` or `new` does not pay for
 * loading the browser driver and the PDF library.
 */
import path from 'node:path';

export interface CommandOption {
  /** As cac writes them: "--book <dir>", "--strict". */
  flags: string;
  description: string;
  default?: string | number | boolean;
}

export interface Command {
  name: string;
  usage: string;
  /** Positional arguments, as cac writes them ("[dir]"); none when absent. */
  args?: string;
  options: CommandOption[];
  examples?: string[];
  /** Runs until stopped (preview, build --watch): a stray error elsewhere is reported, not fatal. */
  longRunning?: (options: Record<string, unknown>) => boolean;
  run(args: string[], options: Record<string, unknown>): Promise<number>;
}

/** The preview's port unless --port says otherwise. */
export const DEFAULT_PORT = 4400;

/** An answer to the person at the terminal, with an exit code: a wrong option is 2. */
export class UsageError extends Error {}

export const BOOK_OPTION: CommandOption = {
  flags: '--book <dir>',
  description: 'Book folder (book.yaml, chapters/, optional assets/ and templates/)',
  default: '.',
};
export const OUT_OPTION: CommandOption = { flags: '--out <dir>', description: 'Output folder (default: <book>/dist)' };
export const STRICT_OPTION: CommandOption = { flags: '--strict', description: 'Treat every warning as an error (exit 1, no output changed)' };
export const QUIET_OPTION: CommandOption = { flags: '--quiet', description: 'Print only warnings and errors' };
export const VERBOSE_OPTION: CommandOption = { flags: '--verbose', description: 'Print every stage with its time, and stack traces with errors' };

/** The option names a command accepts, as cac reports them (camelCase). */
export function optionNames(command: Command): Set<string> {
  const names = new Set(['help', 'h', '--']);
  for (const o of command.options) {
    for (const m of o.flags.matchAll(/--?([a-zA-Z][\w-]*)/g)) names.add(m[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
  }
  return names;
}

export function bookFolders(options: Record<string, unknown>): { bookDir: string; outDir: string } {
  const bookDir = path.resolve(String(options.book ?? '.'));
  const outDir = path.resolve(options.out ? String(options.out) : path.join(bookDir, 'dist'));
  return { bookDir, outDir };
}

export function portNumber(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a number from 0 to 65535 (0: any free port), not ${String(value)}`);
  return port;
}
