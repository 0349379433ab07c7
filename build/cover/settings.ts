/**
 * book.yaml's `cover:` settings, defined with every other field in config/schema.ts; this module
 * checks a `cover:` mapping on its own and names the field in its errors.
 */
import { BookError } from '../errors.ts';
import { coverField, coverSettingsSchema } from '../config/schema.ts';
import type { z } from 'zod';

export { coverField, coverSettingsSchema, normalizeIsbn13, DEFAULT_COVER_COLOURS } from '../config/schema.ts';

export type CoverSettingsInput = z.input<typeof coverSettingsSchema>;
export type CoverSettings = z.output<typeof coverSettingsSchema>;

/** Parses the `cover:` mapping of book.yaml; problems are BookErrors naming the field. */
export function parseCoverSettings(raw: unknown): CoverSettings {
  const parsed = coverField.safeParse(raw ?? undefined);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = ['cover', ...issue.path.map(String)].join('.');
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')} in cover; the cover accepts ${Object.keys(coverSettingsSchema.shape).join(', ')}`
      : `${field}: ${issue.message}`;
  throw new BookError(message, { file: 'book.yaml' });
}
