/**
 * Loads Handlebars templates and partials: the builder's defaults in templates/, overridden file
 * by file by the book's own templates/ folder. Templates hold presentation; they get data only.
 */
import { realpathSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { BookError, throwIfAny } from '../errors.ts';
import { BUILDER_DEFAULTS, existsAsEntry, isInside, realRoot, requireBookFile } from '../sources/safe-path.ts';
import { BUILDER_ROOT } from '../paths.ts';

export type Template = (data: object) => string;

export interface Templates {
  /** Renders templates/<name>.hbs (e.g. "print/part.html"). */
  render(name: string, data: object): string;
  /** Path the template came from, for messages and caching. */
  source(name: string): string;
}

export async function loadTemplates(bookDir: string): Promise<Templates> {
  const files = new Map<string, string>(); // template name → file (book's wins)
  const builderRoot = path.join(BUILDER_ROOT, 'templates');
  for (const rel of await listHbs(builderRoot)) files.set(rel.replace(/\.hbs$/, ''), path.join(builderRoot, rel));
  // The book's own, each checked before it is read: inside the book after links (or a link to
  // one of the builder's defaults), and a plain file.
  for (const [rel, real] of await listBookHbs(bookDir)) files.set(rel.replace(/\.hbs$/, ''), real);
  const hbs = Handlebars.create();
  registerHelpers(hbs);
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const [name, file] of files) {
    const text = await readFile(file, 'utf8');
    try {
      const template = hbs.compile(text, { strict: false, noEscape: false });
      compiled.set(name, template);
      // Partials are named by path: {{> print/running-heads}}.
      hbs.registerPartial(name, text);
    } catch (e) {
      throw new BookError(`template does not compile: ${(e as Error).message.split('\n')[0]}`, { file });
    }
  }
  return {
    render(name, data) {
      const template = compiled.get(name);
      if (!template) throw new BookError(`no template "${name}.hbs" in templates/`, { file: `templates/${name}.hbs` });
      try {
        return template(data, { allowProtoPropertiesByDefault: false });
      } catch (e) {
        throw new BookError(`template failed: ${(e as Error).message.split('\n')[0]}`, { file: files.get(name) });
      }
    },
    source: (name) => files.get(name) ?? '',
  };
}

/**
 * The book's templates/*.hbs, as [path under templates/, real path]. A folder reached through a
 * link is followed once (a link loop ends there); anything named .hbs that is not a plain file
 * inside the book, or a folder linked from outside it, is an error naming it.
 */
async function listBookHbs(bookDir: string): Promise<[string, string][]> {
  const root = path.join(bookDir, 'templates');
  if (!existsAsEntry(root)) return [];
  const roots = [bookDir, ...BUILDER_DEFAULTS];
  const found: [string, string][] = [];
  const errors: BookError[] = [];
  const visited = new Set<string>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const shown = `templates/${prefix}`;
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (e) {
      errors.push(new BookError(`${shown} cannot be followed (${(e as NodeJS.ErrnoException).code ?? 'error'}); point the link at a folder inside the book`, { file: shown }));
      return;
    }
    if (!roots.some((r) => isInside(real, realRoot(r)))) {
      errors.push(new BookError(`${shown} leads to ${real}, outside the book folder; the builder reads only files inside the book: copy the templates into it`, { file: shown }));
      return;
    }
    if (!isFolder(real)) {
      errors.push(new BookError(`${shown} is not a folder; templates/ holds the book's own .hbs templates`, { file: shown }));
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      errors.push(new BookError(`${shown} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); check its permissions`, { file: shown }));
      return;
    }
    for (const entry of entries) {
      const rel = `${prefix}${entry.name}`;
      const full = path.join(dir, entry.name);
      if (entry.name.endsWith('.hbs')) {
        try {
          found.push([rel, requireBookFile(full, { roots, name: 'this template', where: { file: `templates/${rel}` } })]);
        } catch (e) {
          if (e instanceof BookError) errors.push(e);
          else throw e;
        }
      } else if (entry.isDirectory() || (entry.isSymbolicLink() && isFolder(full))) {
        await walk(full, `${rel}/`);
      }
    }
  };
  await walk(root, '');
  throwIfAny(errors);
  return found;
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

async function listHbs(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listHbs(root, rel)));
    else if (entry.name.endsWith('.hbs')) out.push(rel);
  }
  return out;
}

function registerHelpers(hbs: typeof Handlebars): void {
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hbs.registerHelper('not', (a: unknown) => !a);
  /** A CSS string literal: content: {{css-string title}}; */
  hbs.registerHelper('css-string', (value: unknown) =>
    new hbs.SafeString(`"${String(value ?? '').replace(/["\\]/g, (c) => `\\${c}`).replace(/\n/g, ' ')}"`),
  );
  hbs.registerHelper('join', (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : ''));
  hbs.registerHelper('upper', (s: unknown) => String(s ?? '').toUpperCase());
}
