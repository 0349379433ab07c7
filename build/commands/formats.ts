/** The --format option of the commands that make outputs (build, preview). */
import { FORMATS, type Format } from '../build.ts';
import { UsageError, type CommandOption } from './command.ts';

export const FORMAT_OPTION: CommandOption = {
  flags: '--format <list>',
  description: `Comma-separated outputs: ${FORMATS.join(', ')}`,
  default: FORMATS.join(','),
};

export function parseFormats(value: unknown): Format[] {
  const formats = String(value)
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const unknown = formats.filter((f) => !(FORMATS as readonly string[]).includes(f));
  if (unknown.length > 0 || formats.length === 0) {
    throw new UsageError(`unknown format ${unknown.join(', ') || '(none)'}; choose from ${FORMATS.join(', ')}`);
  }
  return formats as Format[];
}
