/**
 * `npm run new -- DIR [--title "…"]`: writes a new book folder that builds as it is: a
 * book.yaml listing every field (the unset ones commented, with their defaults), a preface and
 * two chapters that show a note, a figure, a table, a cross-reference and citations, and a
 * bibliography. The chapters are copied from templates/new-book/; book.yaml is written from the
 * schema. An existing folder that is not empty is left alone.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { starterBookYaml } from '../config/starter-yaml.ts';
import { BUILDER_ROOT } from '../paths.ts';
import { DEFAULT_PORT, UsageError, type Command } from './command.ts';

export const STARTER = path.join(BUILDER_ROOT, 'templates', 'new-book');

export function createBook(dir: string, title: string): string[] {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new UsageError(`${dir} already exists and is not empty; choose a new folder (nothing was written)`);
  }
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(STARTER, 'chapters'), path.join(dir, 'chapters'), { recursive: true });
  writeFileSync(
    path.join(dir, 'book.yaml'),
    starterBookYaml({
      title,
      authors: 'Your Name',
      language: 'en',
      description: `${title}: a new book, made with npm run new. Replace this with two or three sentences for stores and e-readers.`,
    }),
  );
  writeFileSync(path.join(dir, '.gitignore'), 'dist/\n.cache/\n');
  return ['book.yaml', ...listFiles(path.join(dir, 'chapters')).map((f) => `chapters/${f}`)];
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

export const newCommand: Command = {
  name: 'new',
  usage: 'new DIR [--title "The Title"]',
  args: '[dir]',
  options: [{ flags: '--title <title>', description: 'The book title written into book.yaml', default: 'A New Book' }],
  examples: ['npm run new -- ../my-book --title "The Lighthouse Keeper"'],
  async run(args, options) {
    const [target] = args;
    if (!target) throw new UsageError('new needs a folder to make the book in: npm run new -- path/to/my-book');
    if (args.length > 1) throw new UsageError(`new takes one folder, not ${args.length} (${args.join(', ')}); quote a title with spaces: --title "…"`);
    const dir = path.resolve(target);
    const title = String(options.title ?? 'A New Book').trim() || 'A New Book';
    const files = createBook(dir, title);
    const shown = path.relative(process.cwd(), dir) || '.';
    console.log(`new book in ${shown}: ${files.join(', ')}`);
    console.log('next:');
    console.log(`  npm run preview -- --book ${shown}    # the pages, live, at http://127.0.0.1:${DEFAULT_PORT}/`);
    console.log(`  npm run check -- --book ${shown}      # links, notes, citations, images, without building`);
    console.log(`  npm run build -- --book ${shown}      # the PDFs and the EPUB, in ${path.join(shown, 'dist')}/`);
    return 0;
  },
};
