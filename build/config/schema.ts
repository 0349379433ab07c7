/**
 * book.yaml: every field the builder reads, with its type, default and meaning.
 * This is the one place where book-level settings are defined; the README's field table is
 * generated from the descriptions here (`npm run build -- --fields`).
 */
import { z } from 'zod';

const person = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1).describe('Name as printed'),
    role: z
      .string()
      .regex(/^[a-z]{3}$/, 'a three-letter MARC relator code such as aut, edt, trl, ill')
      .default('aut')
      .describe('MARC relator code: aut (author), edt (editor), trl (translator)…'),
    fileAs: z.string().optional().describe('Sort form, e.g. "Austen, Jane"'),
  }),
]);

/** Trim sizes print services offer, in inches (A5 converted). */
export const TRIM_SIZES = {
  '5x8': { width: 5, height: 8 },
  '5.25x8': { width: 5.25, height: 8 },
  '5.5x8.5': { width: 5.5, height: 8.5 },
  '6x9': { width: 6, height: 9 },
  A5: { width: 148 / 25.4, height: 210 / 25.4 },
} as const;
export type TrimName = keyof typeof TRIM_SIZES;

const trim = z.union([
  z.enum(Object.keys(TRIM_SIZES) as [TrimName, ...TrimName[]]),
  z.strictObject({
    width: z.number().min(4, 'at least 4 in').max(8.5, 'at most 8.5 in').describe('inches'),
    height: z.number().min(6, 'at least 6 in').max(11.69, 'at most 11.69 in').describe('inches'),
  }),
]);

const w3cDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .pipe(
    z
      .string()
      .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date written YYYY, YYYY-MM or YYYY-MM-DD'),
  );

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

export const coverField = coverSettingsSchema.prefault({}).describe('Cover design: colours, image, back-cover text, ISBN');

/** The words book.yaml's `labels:` may replace (build/model/reference-words.ts has every language's). */
const LABEL_DEFAULTS = {
  figure: 'Figure', figures: 'Figures', table: 'Table', tables: 'Tables', listing: 'Listing', listings: 'Listings',
  equation: 'equation', equations: 'equations', chapter: 'Chapter', chapters: 'Chapters', appendix: 'Appendix',
  appendices: 'Appendices', section: 'section', sections: 'sections', and: 'and', listOfFigures: 'Figures',
  listOfTables: 'Tables', index: 'Index', see: 'see', seeAlso: 'see also',
} as const;

export const bookConfigSchema = z.strictObject({
  title: z.string().min(1).describe('The book title (required)'),
  subtitle: z.string().min(1).optional().describe('Subtitle, shown on the title page and in metadata'),
  authors: z
    .union([person, z.array(person).min(1)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .describe('Author name, or a list of names or {name, role, fileAs} (required)'),
  language: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'a BCP 47 language tag such as en, en-GB, fr, zh-Hans, ko')
    .default('en')
    .describe('BCP 47 language tag; picks hyphenation, quotes and fonts'),
  identifier: z
    .string()
    .min(1)
    .optional()
    .describe('Stable unique id: "urn:uuid:…" or "urn:isbn:…". Default: a UUID derived from title and authors'),
  slug: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case letters, digits and hyphens')
    .optional()
    .describe('Base name of the output files. Default: made from the title'),
  date: w3cDate.optional().describe('Publication date, YYYY-MM-DD'),
  publisher: z.string().min(1).optional().describe('Publisher or imprint name'),
  edition: z.string().min(1).optional().describe('Edition statement, e.g. "First edition"'),
  rights: z.string().min(1).optional().describe('Copyright / licence statement'),
  description: z.string().min(1).optional().describe('Two or three sentences for stores and e-readers'),
  subjects: z.array(z.string().min(1)).default([]).describe('Subject headings or keywords'),
  credits: z
    .string()
    .optional()
    .describe('Markdown printed on the copyright page: sources, typefaces, acknowledgements'),
  contents: z
    .strictObject({
      depth: z.number().int().min(1).max(3).default(1).describe('Heading levels in the contents'),
    })
    .default({ depth: 1 })
    .describe('Table of contents settings'),
  print: z
    .strictObject({
      trim: trim.default('6x9').describe('Trim size: 6x9, 5.5x8.5, 5.25x8, 5x8, A5, or {width, height} in inches'),
      service: z.enum(['kdp', 'lulu']).default('kdp').describe('Print service whose bleed and margin rules apply'),
      paper: z.enum(['white', 'cream']).default('white').describe('Paper stock (sets spine width)'),
      bleed: z.boolean().default(true).describe('Add bleed around the trim (needed for images that touch the edge)'),
      cropMarks: z
        .boolean()
        .default(false)
        .describe('Draw crop marks outside the bleed, for printers who ask for them (KDP and Lulu do not: leave off for them)'),
      urls: z
        .enum(['inline', 'notes', 'off'])
        .default('inline')
        .describe('Where the PDFs show the address of an external link: after its text, as an endnote, or not at all (the EPUB keeps live links)'),
    })
    .default({ trim: '6x9', service: 'kdp', paper: 'white', bleed: true, cropMarks: false, urls: 'inline' })
    .describe('Print edition settings'),
  cover: coverField,
  numbering: z
    .strictObject({
      by: z.enum(['chapter', 'book']).default('chapter').describe('Number figures, tables, listings and equations per chapter (3.2) or through the book (12)'),
      enabled: z.boolean().default(true).describe('Print numbers in captions and references at all'),
    })
    .default({ by: 'chapter', enabled: true })
    .describe('Numbering of labelled figures, tables, listings and equations'),
  labels: z
    .strictObject(
      Object.fromEntries(
        Object.entries(LABEL_DEFAULTS).map(([key, english]) => [key, z.string().min(1).optional().describe(`In English "${english}"`)]),
      ) as Record<keyof typeof LABEL_DEFAULTS, z.ZodOptional<z.ZodString>>,
    )
    .default({})
    .describe('Words for numbered things and the index, replacing the language\'s: { figure: "Fig." }'),
  index: z
    .strictObject({
      see: z.record(z.string().min(1), z.string().min(1)).default({}).describe('Index entries that send the reader elsewhere: { "Torch": "PyTorch" }'),
      seeAlso: z.record(z.string().min(1), z.array(z.string().min(1))).default({}).describe('Related entries: { "PyTorch": ["Torch7", "Lua"] }'),
    })
    .default({ see: {}, seeAlso: {} })
    .describe('The back-of-book index, made from ((term)) and (((primary, secondary))) marks'),
  references: z
    .strictObject({
      pages: z.boolean().default(true).describe('In the PDFs, a reference to something on another spread gets its page'),
      pageFormat: z
        .string()
        .regex(/\{page\}/, 'a text holding {page}, e.g. "(page {page})"')
        .optional()
        .describe('How that page is printed; default from the language, "(page {page})"'),
    })
    .default({ pages: true })
    .describe('Cross-references'),
  code: z
    .strictObject({
      tabWidth: z
        .number()
        .int()
        .min(1)
        .max(16)
        .default(4)
        .describe('Columns a tab advances to in code blocks (tabs are expanded to spaces in every output)'),
    })
    .default({ tabWidth: 4 })
    .describe('Code block settings'),
  web: z
    .strictObject({
      baseUrl: z
        .string()
        .trim()
        .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'an absolute http(s) address such as "https://example.com/books/my-book/"')
        .transform((v) => (v.endsWith('/') ? v : `${v}/`))
        .optional()
        .describe('Where the web edition will be published ("https://example.com/my-book/"): gives it a sitemap, canonical URLs and absolute link-preview images'),
      printFiles: z.boolean().default(false).describe('Offer the print interior and print cover PDFs for download on the web edition\'s landing page too'),
    })
    .default({ printFiles: false })
    .describe('Web edition settings (--format web)'),
});

export type BookConfigInput = z.input<typeof bookConfigSchema>;
export type BookConfig = z.output<typeof bookConfigSchema>;
