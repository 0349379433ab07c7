/**
 * Mermaid's own parser, run in Node: `check` finds a diagram's syntax errors without a browser,
 * with the message and line the build would give (diagrams/render-diagrams.ts syntaxError).
 * Only parsing runs here; drawing needs the browser and stays the build's.
 *
 * Mermaid sanitizes label text with DOMPurify, which in Node has no DOM to work on and leaves its
 * methods out. Nothing parsed here is ever shown or written, so sanitizing is moot: the methods
 * are stood in by ones that pass the text through, before Mermaid is loaded.
 */
import type { Diagram } from '../model/book.ts';
import type { BookError } from '../errors.ts';
import { fontFamilyValue, fontStackFor } from '../fonts.ts';

interface Parser {
  initialize(config: object): void;
  parse(text: string): Promise<unknown>;
}

let loaded: Promise<Parser> | undefined;

async function mermaidParser(): Promise<Parser> {
  loaded ??= (async () => {
    const purify = (await import('dompurify')).default as unknown as Record<string, unknown>;
    if (typeof purify.sanitize !== 'function') {
      Object.assign(purify, {
        sanitize: (text: unknown) => String(text),
        addHook: () => undefined,
        removeHook: () => undefined,
        removeHooks: () => undefined,
        removeAllHooks: () => undefined,
      });
    }
    return (await import('mermaid')).default as unknown as Parser;
  })();
  return loaded;
}

export async function checkDiagramSyntax(diagrams: Diagram[], language: string): Promise<BookError[]> {
  if (diagrams.length === 0) return [];
  // Loaded only for a book with diagrams (the diagrams stage brings the browser driver with it).
  const [{ syntaxError }, { mermaidConfig }] = await Promise.all([import('../diagrams/render-diagrams.ts'), import('../diagrams/mermaid-page.ts')]);
  const mermaid = await mermaidParser();
  mermaid.initialize(mermaidConfig(fontFamilyValue(fontStackFor(language))));
  const errors: BookError[] = [];
  for (const d of diagrams) {
    try {
      await mermaid.parse(d.source);
    } catch (e) {
      errors.push(syntaxError(d, String((e as Error)?.message ?? e)));
    }
  }
  return errors;
}
