/**
 * Generates a synthetic book of N chapters for the benchmark: varied, deterministic content
 * (seeded PRNG) using every feature the builder lays out — ## sections, notes citing a
 * bibliography, a table, a list, a block quote, an image, section breaks, a cross-chapter link.
 *
 *   npx tsx bench/generate.ts --chapters 20 [--out bench/.books/book-20] [--words 2950]
 *
 * WORDS_PER_CHAPTER is calibrated so that 20 chapters make about 300 print pages at 6 × 9 in
 * (and 100 chapters about 1,500): see bench/RESULTS.md for the page counts measured.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { seededRandom, type Random } from './prng.ts';
import { integerList, option } from './cli-options.ts';
import { countWords, paragraph, personName, sentence, title } from './prose.ts';

/** Words of body text per chapter (notes come on top). */
export const WORDS_PER_CHAPTER = 2950;
const NOTES_PER_CHAPTER: readonly [number, number] = [8, 14];
const SEED = 20251125;

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const booksDir = (): string => path.join(BENCH_DIR, '.books');
export const bookDirFor = (chapters: number): string => path.join(booksDir(), `book-${chapters}`);

export interface GeneratedBook {
  dir: string;
  chapters: number;
  /** Words of Markdown written, notes included. */
  words: number;
}

export async function generateBook(chapters: number, dir = bookDirFor(chapters), wordsPerChapter = WORDS_PER_CHAPTER): Promise<GeneratedBook> {
  const r = seededRandom(SEED + chapters);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'chapters', 'images'), { recursive: true });
  await writeFile(path.join(dir, 'chapters', 'images', 'pattern.png'), await patternPng());

  const sources = Math.max(10, chapters * 2);
  const fileNames = Array.from({ length: chapters }, (_, i) => `${pad(i + 1, chapters)}-chapter-${i + 1}.md`);
  let words = 0;
  const write = async (name: string, text: string): Promise<void> => {
    words += countWords(text);
    await writeFile(path.join(dir, 'chapters', name), text);
  };

  await writeFile(path.join(dir, 'book.yaml'), bookYaml(chapters));
  await write(`${pad(0, chapters)}-preface.md`, preface(r));
  for (let k = 1; k <= chapters; k++) {
    const previous = k > 1 ? fileNames[k - 2] : undefined;
    await write(fileNames[k - 1]!, chapter(r, k, sources, wordsPerChapter, previous));
  }
  await write(`${pad(chapters + 1, chapters)}-bibliography.md`, bibliography(r, sources));
  return { dir, chapters, words };
}

const pad = (n: number, chapters: number): string => String(n).padStart(String(chapters + 1).length, '0');

function bookYaml(chapters: number): string {
  return [
    `title: A Benchmark of ${chapters} Chapters`,
    'subtitle: Synthetic Text for Measuring the Builder',
    'authors:',
    '  - name: The Bench Generator',
    '    role: aut',
    'language: en',
    `slug: bench-${chapters}`,
    'date: 2025-11-25',
    'publisher: Bench Press',
    'rights: "Generated text, no rights reserved."',
    'description: Deterministic generated text used to time the build.',
    'print:',
    '  trim: 6x9',
    '  service: kdp',
    '  paper: white',
    '',
  ].join('\n');
}

function preface(r: Random): string {
  return [
    '---\nkind: preface\n---\n',
    '# Preface\n',
    `${paragraph(r)}[^why]\n`,
    `${paragraph(r)}\n`,
    `[^why]: ${sentence(r)} [@src-0].\n`,
  ].join('\n');
}

function chapter(r: Random, k: number, sources: number, wordsPerChapter: number, previous: string | undefined): string {
  const noteCount = r.int(...NOTES_PER_CHAPTER);
  const blocks: string[] = ['---\nkind: chapter\n---\n', `# ${title(r)}\n`];
  let words = 0;
  let notesPlaced = 0;
  let sectionNo = 0;
  // Where the one-off elements go, as fractions of the chapter's text.
  const at = { table: r.next() * 0.8 + 0.1, list: r.next() * 0.8 + 0.1, image: r.next() * 0.8 + 0.1, link: r.next() * 0.5 };
  const placed = new Set<string>();
  const due = (what: keyof typeof at): boolean => !placed.has(what) && words / wordsPerChapter >= at[what] && !!placed.add(what);

  while (words < wordsPerChapter) {
    if (words > 0 && r.chance(0.09)) {
      sectionNo++;
      blocks.push(`## ${title(r)}\n`);
    } else if (words > 0 && r.chance(0.03)) {
      blocks.push('***\n');
    } else if (words > 0 && r.chance(0.03)) {
      blocks.push(`> ${paragraph(r)}\n`);
    }
    let text = paragraph(r);
    // Notes spread evenly over the chapter, after a sentence.
    if (notesPlaced < noteCount && words / wordsPerChapter >= notesPlaced / noteCount) {
      notesPlaced++;
      text = text.replace(/([.?]"?)( |$)/, `$1[^n${notesPlaced}]$2`);
    }
    if (previous && due('link')) text += ` As [the previous chapter](${previous}) showed, ${sentence(r).toLowerCase()}`;
    blocks.push(`${text}\n`);
    words += countWords(text);
    if (due('table')) blocks.push(table(r));
    if (due('list')) blocks.push(list(r));
    if (due('image')) blocks.push(`![A generated test pattern, shown in chapter ${k}](images/pattern.png)\n`);
  }
  if (sectionNo === 0) blocks.splice(3, 0, `## ${title(r)}\n`);
  for (let n = 1; n <= notesPlaced; n++) {
    const src = ((k * NOTES_PER_CHAPTER[1] + n) * 7) % sources;
    const extra = Array.from({ length: r.int(0, 2) }, () => sentence(r, 4, 18)).join(' ');
    blocks.push(`[^n${n}]: ${sentence(r, 4, 16)} [@src-${src}].${extra ? ` ${extra}` : ''}`);
  }
  return `${blocks.join('\n')}\n`;
}

function table(r: Random): string {
  const rows = Array.from({ length: r.int(4, 8) }, () => {
    const year = r.int(1850, 2025);
    return `| ${year} | ${title(r, 2)} | ${r.int(1, 999)}.${r.int(0, 9)} | ${sentence(r, 3, 9)} |`;
  });
  return ['| Year | Place | Measure | Remark |', '|------|-------|--------:|--------|', ...rows, ''].join('\n');
}

function list(r: Random): string {
  const items = Array.from({ length: r.int(3, 7) }, () => `- ${sentence(r, 4, 20)}`);
  return `${items.join('\n')}\n`;
}

function bibliography(r: Random, sources: number): string {
  const entries = Array.from({ length: sources }, (_, k) => {
    const year = 1900 + ((k * 37) % 125);
    const author = personName(r);
    // No quotation marks before the {#id}: markdown-it-attrs 5.0.1 ignores an {#id} that follows
    // a closing " when emphasis sits inside the quotation (the id is then left in the text).
    const note = sentence(r, 6, 20).replace(/"/g, '');
    return `- **${author.split(' ')[1]}, ${year}.** ${author}. *${title(r)}*. ${title(r, 2)} Press, ${year}. ${note} {#src-${k}}`;
  });
  return ['---\nkind: bibliography\n---\n', '# Bibliography\n', `${paragraph(r)}\n`, ...entries, ''].join('\n');
}

/** A small deterministic PNG: a gradient with stripes, 1400 × 940 (300 ppi across the 4.5 in text block). */
async function patternPng(): Promise<Buffer> {
  const width = 1400;
  const height = 940;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const stripe = Math.floor((x + y) / 25) % 2 === 0 ? 40 : 0;
      pixels[i] = Math.round((x / width) * 200) + stripe;
      pixels[i + 1] = Math.round((y / height) * 180) + stripe;
      pixels[i + 2] = 160;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 9 }).toBuffer();
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const [chapters = 20] = integerList('chapters', [20]);
  const [words = WORDS_PER_CHAPTER] = integerList('words', [WORDS_PER_CHAPTER]);
  const out = option('out');
  const book = await generateBook(chapters, out ? path.resolve(out) : undefined, words);
  console.log(`${book.dir}: ${book.chapters} chapters, ${book.words} words`);
}
