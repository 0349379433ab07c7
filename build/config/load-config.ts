/** Reads book.yaml and turns it into a validated BookConfig, or errors that name file, line and field. */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import slugify from '@sindresorhus/slugify';
import { BookError, throwIfAny } from '../errors.ts';
import { bookConfigSchema, type BookConfig } from './schema.ts';

export interface ResolvedConfig extends BookConfig {
  identifier: string;
  slug: string;
}

export async function loadConfig(file: string, displayName = 'book.yaml'): Promise<ResolvedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new BookError(`no book.yaml found (looked for ${file}); a book folder needs one`, { file: displayName });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throwIfAny(
      doc.errors.map(
        (e) => new BookError(`not valid YAML: ${e.message.split('\n')[0]}`, { file: displayName, line: lines.linePos(e.pos[0]).line }),
      ),
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw new BookError('book.yaml is empty; it needs at least a title and authors', { file: displayName, line: 1 });
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new BookError('book.yaml must be a mapping of fields (title: …, authors: …)', { file: displayName, line: 1 });
  }
  const parsed = bookConfigSchema.safeParse(data);
  if (!parsed.success) {
    throwIfAny(parsed.error.issues.map((issue) => issueToError(issue, doc, lines, displayName)));
    throw new Error('unreachable');
  }
  const config = parsed.data;
  return {
    ...config,
    identifier: config.identifier ?? derivedIdentifier(config),
    slug: config.slug ?? (slugify(config.title) || 'book'),
  };
}

/** A UUID (version 5 style, from SHA-1) that stays the same while title and authors do. */
function derivedIdentifier(config: BookConfig): string {
  const names = config.authors.map((a) => (typeof a === 'string' ? a : a.name)).join('|');
  const hex = createHash('sha1').update(`${config.title}|${names}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

function issueToError(
  issue: z.core.$ZodIssue,
  doc: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  file: string,
): BookError {
  const path = issue.path.map(String);
  const field = path.join('.') || '(top level)';
  let line: number | undefined;
  // Point at the deepest YAML node that exists on the issue's path.
  for (let depth = path.length; depth >= 0 && line === undefined; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) line = lines.linePos(node.range[0]).line;
  }
  let message: string;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys} in ${field}; see the README for the fields book.yaml accepts`;
    const first = issue.keys[0];
    const node = first ? doc.getIn([...path, first], true) : undefined;
    if (isNode(node) && node.range) line = lines.linePos(node.range[0]).line;
  } else if (issue.code === 'invalid_type' && doc.getIn(path) === undefined) {
    message = `${field} is required (expected ${issue.expected})`;
  } else {
    message = `${field}: ${issue.message}`;
  }
  return new BookError(message, { file, line });
}
