/**
 * Mermaid diagrams: a ```` ```mermaid ```` fence becomes a figure whose drawing is made later, in
 * the browser, by the diagrams stage (build/diagrams/). The fence's attributes (markdown-it-attrs)
 * give its label and caption, as pandoc-crossref and Quarto write them:
 *
 *   ```mermaid {#fig:flow caption="How a build runs"}
 *   flowchart LR
 *     A --> B
 *   ```
 *
 * renders as
 *
 *   <figure class="figure diagram" id="fig:flow" data-line="12">
 *     <div data-diagram="1"></div>                 (the SVG goes here: build/model/diagrams.ts)
 *     <figcaption>Figure 3.2. How a build runs</figcaption>
 *   </figure>
 *
 * The fence is taken before the code plugin sees it (it is no longer a `fence` token), and its
 * caption is parsed as inline Markdown, so emphasis, code and citations work in it as in any
 * caption, and the caption starts with the figure's number once the model has numbered it. The
 * placeholder names the diagram by its place in the file (1, 2…); the model pairs it with the
 * drawing. The caption's text is also the drawing's accessible name (its <title>); the caption
 * is not hidden from screen readers, as it carries the number the text refers to.
 */
import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import { FIGURE_CLASS } from './figure-plugin.ts';
import { captionLabelHtml } from './caption-label.ts';

/** What the parser records of each diagram (see ParsedSection.diagrams). */
export type DiagramToken = {
  /** 1-based place among the file's diagrams: the placeholder's data-diagram. */
  index: number;
  /** The Mermaid source, as written between the fences. */
  source: string;
  /** The fence's {#id}, if any ("fig:flow"). */
  label: string | undefined;
  /** The caption="…" attribute, as written (Markdown); its inline tokens follow the diagram's. */
  caption: string | undefined;
};

/** The facts a `diagram` token carries (set by this plugin's rule). */
export const diagramOf = (token: Token): DiagramToken => token.meta as DiagramToken;

export const DIAGRAM_CLASS = 'diagram';
const LANGUAGES = new Set(['mermaid']);
/** Mermaid's own accessible title (`accTitle: …`): it names the drawing, in place of the caption. */
export const ACC_TITLE = /^\s*accTitle\s*:\s*\S/m;

/** The placeholder a diagram's drawing replaces; `index` as in DiagramToken. */
export const diagramPlaceholder = (index: number): string => `<div data-diagram="${index}"></div>`;
export const DIAGRAM_PLACEHOLDER = /<div data-diagram="(\d+)"><\/div>/g;

export function diagramPlugin(md: MarkdownIt): void {
  const rule = (state: StateCore): void => {
    const tokens = state.tokens;
    let count = 0;
    for (let i = 0; i < tokens.length; i++) {
      const fence = tokens[i]!;
      if (fence.type !== 'fence' || !LANGUAGES.has((fence.info.trim().split(/\s+/)[0] ?? '').toLowerCase())) continue;
      const label = fence.attrGet('id');
      const caption = fence.attrGet('caption');
      const captionChildren: Token[] = [];
      if (caption) state.md.inline.parse(String(caption), state.md, state.env, captionChildren);

      const open = new state.Token('figure_open', 'figure', 1);
      open.block = true;
      open.map = fence.map;
      open.level = fence.level;
      open.attrSet('class', [FIGURE_CLASS, DIAGRAM_CLASS, ...String(fence.attrGet('class') ?? '').split(/\s+/).filter(Boolean)].join(' '));
      if (label !== null) open.attrSet('id', String(label));
      for (const key of ['lang', 'dir']) {
        const value = fence.attrGet(key);
        if (value !== null) open.attrSet(key, String(value));
      }

      const meta: DiagramToken = {
        index: ++count,
        source: fence.content,
        label: label === null ? undefined : String(label),
        caption: caption ? String(caption) : undefined,
      };
      const diagram = new state.Token('diagram', '', 0);
      diagram.block = true;
      diagram.meta = meta;
      diagram.content = fence.content;
      // No map: the figure carries the line (data-line); the placeholder is replaced whole.

      const replacement: Token[] = [open, diagram];
      if (caption) {
        // Its own type, so that its number ("Figure 3.2.") can be written in it; the figure
        // itself is read at render time, when its label has become an XML id (labels-plugin.ts).
        const captionOpen = new state.Token('diagram_caption_open', 'figcaption', 1);
        captionOpen.block = true;
        captionOpen.meta = { figure: open };
        const inline = new state.Token('inline', '', 0);
        inline.content = String(caption);
        inline.map = fence.map;
        inline.children = captionChildren;
        const captionClose = new state.Token('diagram_caption_close', 'figcaption', -1);
        captionClose.block = true;
        replacement.push(captionOpen, inline, captionClose);
      }
      const close = new state.Token('figure_close', 'figure', -1);
      close.block = true;
      replacement.push(close);
      tokens.splice(i, 1, ...replacement);
      i += replacement.length - 1;
    }
  };
  // After markdown-it-attrs has read {#id caption="…"} off the fence, and before the typographer,
  // which then gives the caption its quotes and dashes.
  try {
    md.core.ruler.after('curly_attributes', 'diagrams', rule);
  } catch {
    md.core.ruler.before('linkify', 'diagrams', rule);
  }
  md.renderer.rules.diagram = (tokens, idx) => diagramPlaceholder(diagramOf(tokens[idx]!).index);
  md.renderer.rules.diagram_caption_open = (tokens, idx, options, env, self) => {
    const figure = (tokens[idx]!.meta as { figure: Token }).figure;
    const id = figure.attrGet('id');
    return self.renderToken(tokens, idx, options) + captionLabelHtml(md, env, id === null ? undefined : String(id));
  };
}
