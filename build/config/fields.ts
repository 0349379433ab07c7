/** The book.yaml field reference (for the README and `--fields`), generated from the schema itself. */
import { z } from 'zod';
import { bookConfigSchema } from './schema.ts';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
}

const typeOf = (s: JsonSchema): string => {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (s.anyOf) return [...new Set(s.anyOf.map(typeOf))].join(' or ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'values'}`;
  if (s.type === 'object') return 'mapping';
  return Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'value');
};

export function fieldTable(): string {
  const schema = z.toJSONSchema(bookConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows: string[] = ['| field | type | default | meaning |', '|---|---|---|---|'];
  const walk = (props: Record<string, JsonSchema>, required: string[], prefix: string): void => {
    for (const [name, prop] of Object.entries(props)) {
      const field = `${prefix}${name}`;
      const def = prop.default === undefined ? (required.includes(name) ? '(required)' : '') : `\`${JSON.stringify(prop.default)}\``;
      const nested = prop.properties ? prop : prop.anyOf?.find((a) => a.properties);
      if (nested?.properties && name !== 'trim') {
        rows.push(`| \`${field}\` | mapping | | ${prop.description ?? ''} |`);
        walk(nested.properties, nested.required ?? [], `${field}.`);
      } else {
        rows.push(`| \`${field}\` | ${typeOf(prop)} | ${def} | ${prop.description ?? ''} |`);
      }
    }
  };
  walk(schema.properties ?? {}, schema.required ?? [], '');
  return rows.join('\n');
}
