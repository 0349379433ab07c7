/**
 * Loads Handlebars templates and partials: the builder's defaults in templates/, overridden file
 * by file by the book's own templates/ folder. Templates hold presentation; they get data only.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { BookError } from '../errors.ts';
import { BUILDER_ROOT } from '../paths.ts';

export type Template = (data: object) => string;

export interface Templates {
  /** Renders templates/<name>.hbs (e.g. "print/part.html"). */
  render(name: string, data: object): string;
  /** Path the template came from, for messages and caching. */
  source(name: string): string;
}

export async function loadTemplates(bookDir: string): Promise<Templates> {
  const roots = [path.join(BUILDER_ROOT, 'templates'), path.join(bookDir, 'templates')];
  const files = new Map<string, string>(); // template name → file (book's wins)
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const rel of await listHbs(root)) files.set(rel.replace(/\.hbs$/, ''), path.join(root, rel));
  }
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
