/** The front matter a chapter file may start with: what the file is, and optionally its title. */
import { z } from 'zod';

export const SECTION_KINDS = [
  // front matter
  'dedication',
  'epigraph',
  'foreword',
  'preface',
  'introduction',
  // generated lists, after the contents
  'figures',
  'tables',
  // body
  'prologue',
  'part',
  'chapter',
  'epilogue',
  // back matter
  'afterword',
  'acknowledgements',
  'appendix',
  'glossary',
  'bibliography',
  'about',
  'index',
] as const;
export type SectionKind = (typeof SECTION_KINDS)[number];

const FRONT: ReadonlySet<SectionKind> = new Set(['dedication', 'epigraph', 'foreword', 'preface', 'introduction', 'figures', 'tables']);
const BACK: ReadonlySet<SectionKind> = new Set(['afterword', 'acknowledgements', 'appendix', 'glossary', 'bibliography', 'about', 'index']);

/** Where a kind of section stands in the book: before the first chapter, among them, or after. */
export function divisionOf(kind: SectionKind): 'front' | 'body' | 'back' {
  if (FRONT.has(kind)) return 'front';
  if (BACK.has(kind)) return 'back';
  return 'body';
}

export const frontMatterSchema = z.strictObject({
  kind: z.enum(SECTION_KINDS).default('chapter').describe('What the file is; default chapter'),
  title: z.string().min(1).optional().describe('Title, when the file has no # heading'),
  id: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and hyphens, starting with a letter')
    .optional()
    .describe('Id used for the file in links and output names; default from the file name'),
  numbered: z.boolean().optional().describe('Whether the section gets a number; default: chapters only'),
});
export type FrontMatter = z.output<typeof frontMatterSchema>;
