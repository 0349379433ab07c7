/**
 * book.yaml's `cover:` settings. To be merged into build/config/schema.ts as
 * `cover: coverField` (a strict mapping whose every field has a default or is optional); until
 * then renderCovers() parses `book.config.cover` with parseCoverSettings().
 */
import { z } from 'zod';
import { BookError } from '../errors.ts';

/**
 * A CSS colour: #hex, a named colour, or a colour function (rgb(), hsl(), oklch()…). Only these
 * characters, since the value is written into the cover's stylesheet.
 */
const CSS_COLOUR = /^(#[0-9a-f]{3,4}|#[0-9a-f]{6}|#[0-9a-f]{8}|[a-z]{3,30}|(rgba?|hsla?|hwb|lab|lch|oklab|oklch)\(\s*[0-9a-z.,%/+\s-]{1,80}\))$/i;

const colour = z
  .string()
  .trim()
  .regex(CSS_COLOUR, 'a CSS colour such as "#1b2a4a", "navy" or "oklch(30% 0.06 260)"');

/** ISBN-13 digits, hyphens and spaces removed, or undefined when the check digit or prefix is wrong. */
export function normalizeIsbn13(value: string): string | undefined {
  const digits = value.replace(/^isbn(-13)?:?\s*/i, '').replace(/[\s-]/g, '');
  if (!/^97[89]\d{10}$/.test(digits)) return undefined;
  const sum = [...digits.slice(0, 12)].reduce((n, d, i) => n + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === Number(digits[12]) ? digits : undefined;
}

/** The print ISBN as written ("978-1-23456-789-7"), checked; the barcode encodes its 13 digits. */
const isbn = z
  .string()
  .trim()
  .refine((v) => normalizeIsbn13(v) !== undefined, 'an ISBN-13 starting 978 or 979 with a correct check digit, e.g. "978-0-306-40615-7"');

export const DEFAULT_COVER_COLOURS = {
  /** Deep ink blue. */
  background: '#16233b',
  /** Warm paper white. */
  foreground: '#f3ece0',
  /** Old gold. */
  accent: '#d7a54a',
} as const;

export const coverSettingsSchema = z.strictObject({
  background: colour.default(DEFAULT_COVER_COLOURS.background).describe('Cover background colour (CSS colour)'),
  foreground: colour.default(DEFAULT_COVER_COLOURS.foreground).describe('Colour of the cover text'),
  accent: colour.default(DEFAULT_COVER_COLOURS.accent).describe('Colour of the ornament and rules'),
  image: z
    .string()
    .min(1)
    .optional()
    .describe('Background image for the front cover, relative to the book folder; at least 300 ppi for print'),
  blurb: z.string().min(1).optional().describe('Markdown for the back cover. Default: the description'),
  isbn: isbn.optional().describe('Print ISBN-13: an EAN-13 barcode is drawn on the back cover. Without it the barcode area is left clear'),
});

/** What the lead merges into bookConfigSchema: `cover: coverField`. */
export const coverField = coverSettingsSchema.prefault({}).describe('Cover design: colours, image, back-cover text, ISBN');

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
