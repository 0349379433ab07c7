/**
 * Where each note is defined. markdown-it-footnote keeps only the last of two definitions with the
 * same label, silently, and records no line for any: this wraps its block rule to list every
 * definition with its line (env.noteDefinitions), so that parse.ts can report the second of two
 * and point at the right line for a note never referenced. Register right after the footnote plugin.
 */
import type { MarkdownIt, StateBlock } from 'markdown-it';

export interface NoteDefinition {
  label: string;
  /** 0-based line in the parsed text (the body after the front matter). */
  line: number;
}

export interface NoteDefinitionsEnv {
  noteDefinitions?: NoteDefinition[];
}

type BlockRule = (state: StateBlock, startLine: number, endLine: number, silent: boolean) => boolean;

export function noteDefinitionsPlugin(md: MarkdownIt): void {
  // The rule's function is only reachable through the ruler's list, which markdown-it's types do not show.
  const rules = (md.block.ruler as unknown as { __rules__: { name: string; fn: BlockRule }[] }).__rules__;
  const original = rules.find((r) => r.name === 'footnote_def')?.fn;
  if (!original) throw new Error('noteDefinitionsPlugin needs markdown-it-footnote registered before it');
  const wrapped: BlockRule = (state, startLine, endLine, silent) => {
    const at = state.tokens.length;
    const matched = original(state, startLine, endLine, silent);
    const token = state.tokens[at];
    if (matched && !silent && token?.type === 'footnote_reference_open') {
      const env = state.env as NoteDefinitionsEnv;
      (env.noteDefinitions ??= []).push({ label: String((token.meta as { label: string }).label), line: startLine });
    }
    return matched;
  };
  // The footnote plugin's own options: a definition may interrupt a paragraph or a reference.
  md.block.ruler.at('footnote_def', wrapped, { alt: ['paragraph', 'reference'] });
}
