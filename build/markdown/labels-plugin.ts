/**
 * Labels, as pandoc-crossref writes them: `{#fig:name}`, `{#tbl:name}`, `{#lst:name}`,
 * `{#eq:name}`, `{#sec:name}` (and `id="fig:name"` in raw HTML). This core rule, run after every
 * other, lists the labelled elements of a file in document order for the numbering pass, and
 * turns each label into an id that is a valid XML name (a colon is not allowed in one):
 * `fig:flow` becomes `fig-flow`, in attributes and in links alike. A label never names a file.
 */
import type { MarkdownIt, Token } from 'markdown-it';
import { Parser } from 'htmlparser2';

export const LABEL_KINDS = ['fig', 'tbl', 'lst', 'eq', 'sec'] as const;
export type LabelKind = (typeof LABEL_KINDS)[number];

export interface LabelInfo {
  /** As the author wrote it: "fig:flow". */
  label: string;
  kind: LabelKind;
  /** The id it has in the HTML: "fig-flow". */
  id: string;
  /** Line in the Markdown file. */
  line: number;
  /** For headings: the level (1 for the file's title) and the heading's text. */
  level?: number;
  title?: string;
  /** The token that carries it ("heading_open", "list_item_open"…), for the model's checks. */
  element?: string;
}

export interface LabelsEnv {
  bodyLine?: number;
  labels?: LabelInfo[];
}

const LABEL = /^(fig|tbl|lst|eq|sec):([\p{L}\p{N}_][\p{L}\p{N}_.:-]*)$/u;

export const isLabel = (text: string): boolean => LABEL.test(text);
export const labelKind = (text: string): LabelKind | undefined => LABEL.exec(text)?.[1] as LabelKind | undefined;

/** "fig:flow" → "fig-flow"; any other id is left as it is. */
export function xmlIdOf(id: string): string {
  return LABEL.test(id) ? id.replace(/:/g, '-') : id;
}

export function labelsPlugin(md: MarkdownIt): void {
  md.core.ruler.push('labels', (state) => {
    const env = state.env as LabelsEnv;
    const offset = env.bodyLine ?? 1;
    const labels: LabelInfo[] = (env.labels = []);
    let line = offset;
    const visit = (token: Token, next: Token | undefined): void => {
      if (token.map) line = token.map[0] + offset;
      const id = token.attrGet('id');
      if (id !== null && LABEL.test(String(id))) {
        const label = String(id);
        const heading = token.type === 'heading_open';
        labels.push({
          label,
          kind: labelKind(label)!,
          id: xmlIdOf(label),
          line,
          element: token.type,
          level: heading ? Number(token.tag.slice(1)) : undefined,
          title: heading ? (next?.children ?? []).filter((c) => c.type === 'text' || c.type === 'code_inline').map((c) => c.content).join('').trim() : undefined,
        });
        token.attrSet('id', xmlIdOf(label));
      }
      if (token.type === 'link_open') {
        const href = String(token.attrGet('href') ?? '');
        const fragment = /^([^#]*#)(.+)$/.exec(href);
        if (fragment && !/^[a-z]+:/i.test(href) && LABEL.test(decodeURIComponent(fragment[2]!))) {
          token.attrSet('href', `${fragment[1]}${xmlIdOf(decodeURIComponent(fragment[2]!))}`);
        }
      }
      if (token.type === 'html_block' || token.type === 'html_inline') {
        for (const label of rawHtmlLabels(token.content)) labels.push({ label, kind: labelKind(label)!, id: xmlIdOf(label), line });
      }
      for (const child of token.children ?? []) visit(child, undefined);
    };
    state.tokens.forEach((token, i) => visit(token, state.tokens[i + 1]));
  });
}

/** Labels given as id="fig:name" in raw HTML (the tag filter writes them as XML ids). */
function rawHtmlLabels(html: string): string[] {
  const found: string[] = [];
  const parser = new Parser({
    onopentag(_name, attribs) {
      if (attribs.id && LABEL.test(attribs.id)) found.push(attribs.id);
    },
  });
  parser.write(html);
  parser.end();
  return found;
}
