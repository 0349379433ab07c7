/**
 * The book.yaml `npm run new` writes: the fields a new book sets, then every other field the
 * builder reads, commented out with its default and meaning. Written from the schema itself,
 * so a field added to schema.ts appears in every new book without anyone remembering to.
 */
import { z } from 'zod';
import { stringify } from 'yaml';
import { bookConfigSchema } from './schema.ts';

interface JsonSchema {
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
}

/** A value as YAML on one line: `6x9`, `"#16233b"`, `[]`, `{ see: {} }`. */
const inline = (value: unknown): string => stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim();

export function starterBookYaml(set: Record<string, unknown>): string {
  const schema = z.toJSONSchema(bookConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows: { text: string; note: string }[] = [];
  const walk = (props: Record<string, JsonSchema>, indent: string, commented: boolean): void => {
    for (const [name, prop] of Object.entries(props)) {
      const nested = prop.properties ?? prop.anyOf?.find((a) => a.properties)?.properties;
      const value = set[name];
      const on = !commented && value !== undefined;
      const mark = on ? '' : '# ';
      if (nested && name !== 'trim' && !on) {
        rows.push({ text: `${mark}${indent}${name}:`, note: prop.description ?? '' });
        walk(nested, `${indent}  `, true);
      } else {
        const shown = on ? inline(value) : prop.default !== undefined && !(typeof prop.default === 'object' && Object.keys(prop.default as object).length === 0 && !Array.isArray(prop.default)) ? inline(prop.default) : '';
        rows.push({ text: `${mark}${indent}${name}:${shown ? ` ${shown}` : ''}`, note: prop.description ?? '' });
      }
    }
  };
  walk(schema.properties ?? {}, '', false);
  const width = Math.min(44, Math.max(...rows.map((r) => r.text.length)) + 2);
  // YAML wants white space before a comment: at least two, however long the line.
  const body = rows.map((r) => (r.note ? `${r.text}${' '.repeat(Math.max(2, width - r.text.length))}# ${r.note}` : r.text)).join('\n');
  return [
    '# book.yaml: what the book is, and how it is printed.',
    '# Lines starting with "#" are off, showing their default; remove the "# " to set one.',
    '# The same list as a table: npm run build -- --fields',
    '',
    body,
    '',
  ].join('\n');
}
