import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT = path.join(ROOT, 'test', '.out');
export const FIXTURE_BOOK = path.join(ROOT, 'test', 'fixtures', 'mini-book');
/** Where the global set-up builds the fixture book and the repository's own book. */
export const FIXTURE_OUT = path.join(OUT, 'fixture');
export const REPO_OUT = path.join(OUT, 'book');
export const FIXTURE_SLUG = 'the-lighthouse-keepers-almanac';
export const REPO_SLUG = 'try-again';
/** A technical book written as Markdown for GitHub: code, figures, wide and long tables, call-outs. */
export const TECH_BOOK = path.join(ROOT, 'test', 'fixtures', 'tech-book');
export const TECH_OUT = path.join(OUT, 'tech');
export const TECH_SLUG = 'shipping-small-services';
/** A French science book: math, Mermaid diagrams, numbered figures and tables, references, an appendix, an index. */
export const SCIENCE_BOOK = path.join(ROOT, 'test', 'fixtures', 'science-book');
export const SCIENCE_OUT = path.join(OUT, 'science');
export const SCIENCE_SLUG = 'ondes-et-signaux';
