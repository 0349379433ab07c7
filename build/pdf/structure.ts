/**
 * The screen PDF's logical structure (tagged PDF, ISO 32000-1 §14.7–14.8). Chromium tags each part
 * it prints (`tagged: true`): a structure tree per part, built from the page's accessibility tree,
 * its elements pointing at marked content on the part's pages. Merging parts page by page drops
 * those trees; this module carries them over into ONE tree for the book:
 *
 *   StructTreeRoot → Document → one Part per printed part (title page, contents, each chapter…)
 *
 * Each part's pages and its structure elements go through the same PDFObjectCopier, so an
 * element's /Pg and an OBJR's /Obj land on the merged page and annotation, and nothing is copied
 * twice. Page /StructParents and annotation /StructParent keys are shifted past the keys of the
 * parts before, and one /ParentTree maps them all. Element ids (table header cells) are renamed,
 * unique in the book and the same from build to build, with an /IDTree for them.
 *
 * After the links are resolved, a few corrections Chromium cannot make from HTML alone:
 *  - an element holding a link annotation (OBJR) is a Link (Chromium writes NonStruct where the
 *    <a> carries an ARIA role, as note references do);
 *  - a link to a note is a note reference: the Link is wrapped in a Reference;
 *  - an endnote (the list item whose number links back to its reference) is a Note with the
 *    note's id, and a list made only of notes is a Div of Notes;
 *  - an OBJR whose annotation was dropped (a link without a target) is removed;
 *  - an HTML <figure> (a Figure without alternative text, around the picture and its caption) is
 *    a Div: the picture inside is the Figure, with the alt text.
 *
 * Pages the assembler adds (blank versos) have no structure; the cover's content is an /Artifact.
 * Running heads and folios, drawn by Chromium in the page-margin boxes, are outside any marked
 * content: readers that follow the tree skip them, as they do artifacts.
 */
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNull,
  PDFNumber,
  PDFObjectCopier,
  PDFPage,
  PDFPageLeaf,
  PDFRef,
  PDFStream,
  PDFString,
  type PDFContext,
  type PDFObject,
} from 'pdf-lib';

const N = {
  A: PDFName.of('A'),
  ActualText: PDFName.of('ActualText'),
  Alt: PDFName.of('Alt'),
  Annots: PDFName.of('Annots'),
  Artifact: PDFName.of('Artifact'),
  Contents: PDFName.of('Contents'),
  Div: PDFName.of('Div'),
  Document: PDFName.of('Document'),
  Figure: PDFName.of('Figure'),
  Headers: PDFName.of('Headers'),
  ID: PDFName.of('ID'),
  IDTree: PDFName.of('IDTree'),
  K: PDFName.of('K'),
  Kids: PDFName.of('Kids'),
  L: PDFName.of('L'),
  Link: PDFName.of('Link'),
  MarkInfo: PDFName.of('MarkInfo'),
  MCR: PDFName.of('MCR'),
  NonStruct: PDFName.of('NonStruct'),
  Note: PDFName.of('Note'),
  Nums: PDFName.of('Nums'),
  Obj: PDFName.of('Obj'),
  OBJR: PDFName.of('OBJR'),
  P: PDFName.of('P'),
  ParentTree: PDFName.of('ParentTree'),
  ParentTreeNextKey: PDFName.of('ParentTreeNextKey'),
  Part: PDFName.of('Part'),
  Pg: PDFName.of('Pg'),
  Reference: PDFName.of('Reference'),
  RoleMap: PDFName.of('RoleMap'),
  S: PDFName.of('S'),
  StructElem: PDFName.of('StructElem'),
  StructParent: PDFName.of('StructParent'),
  StructParents: PDFName.of('StructParents'),
  StructTreeRoot: PDFName.of('StructTreeRoot'),
  Span: PDFName.of('Span'),
  Subtype: PDFName.of('Subtype'),
  Type: PDFName.of('Type'),
};

/** What the links point at, known once the assembler has resolved them. */
export interface LinkFacts {
  /** The id each link annotation of the merged document points to (internal links only). */
  targets: Map<PDFRef, string>;
  /** Ids of the notes (a link to one is a note reference). */
  noteIds: Set<string>;
  /** Each note reference's id → its note's id (a note's number links back to its first reference). */
  noteOfRef: Map<string, string>;
}

export class StructureMerger {
  private readonly ctx: PDFContext;
  private readonly rootRef: PDFRef;
  private readonly documentRef: PDFRef;
  /** The Part element of each part, in book order. */
  private readonly partRefs: PDFRef[] = [];
  private readonly parentTree: [number, PDFObject][] = [];
  private nextKey = 0;
  /** Element ids (renamed, and the notes' own) → their element. */
  private readonly ids = new Map<string, PDFRef>();
  private readonly roleMap = new Map<string, PDFObject>();
  private parts = 0;

  constructor(private readonly doc: PDFDocument) {
    this.ctx = doc.context;
    this.rootRef = this.ctx.nextRef();
    this.documentRef = this.ctx.nextRef();
  }

  /**
   * Copies every page of `src` into the document (not yet added to its page tree: the caller
   * adds them in order) with the part's structure, renumbered into the book's.
   */
  async copyPart(src: PDFDocument): Promise<PDFPage[]> {
    await src.flush();
    const copier = PDFObjectCopier.for(src.context, this.ctx);
    // Copied by reference, not by node (as PDFDocument.copyPages does): the copier then knows
    // each page's new reference, and the elements' /Pg entries map onto it.
    const pages = src.getPages().map((page) => {
      const ref = copier.copy(page.ref) as PDFRef;
      const leaf = this.ctx.lookup(ref);
      if (!(leaf instanceof PDFPageLeaf)) throw new Error(`a copied page is not a page (${ref.toString()})`);
      return PDFPage.of(leaf, ref, this.doc);
    });
    const part = this.parts++;
    const root = src.catalog.lookupMaybe(N.StructTreeRoot, PDFDict);
    const base = this.nextKey;
    if (!root) {
      for (const page of pages) unmark(this.ctx, page);
      return pages;
    }

    const elements = new Map<PDFRef, PDFRef>();
    // Chromium's element ids name its DOM nodes, whose numbers vary from one print to the next:
    // renamed in the order met, they are unique in the book and the same in every build.
    const renamed = new Map<string, string>();
    const rename = (id: string): string => {
      let name = renamed.get(id);
      if (name === undefined) renamed.set(id, (name = `p${part}-${renamed.size + 1}`));
      return name;
    };
    /** A copied kid, or the marked content of a text run folded into its parent (page, ids). */
    type Copied = PDFObject | { page: PDFRef; mcids: PDFNumber[] };
    const copyKid = (item: PDFObject, parent: PDFRef): Copied[] => {
      if (item instanceof PDFNumber) return [item]; // a marked-content id on the element's page
      const dict = item instanceof PDFRef ? src.context.lookup(item) : item;
      if (!(dict instanceof PDFDict)) return [];
      const type = dict.get(N.Type);
      if (type === N.MCR || type === N.OBJR) return [copier.copy(item)]; // its /Pg, /Obj: the copies
      if (parent !== this.documentRef && isTextRun(src.context, dict)) {
        // Chromium wraps every run of text in a NonStruct of its own, which means nothing (§14.8.4.2)
        // and makes half the tree: its content goes to the parent.
        if (item instanceof PDFRef) elements.set(item, parent);
        const page = copier.copy(dict.get(N.Pg)!) as PDFRef;
        return kidsOf(src.context, dict.get(N.K)).map((k) => (k instanceof PDFNumber ? { page, mcids: [k] } : copier.copy(k)));
      }
      const ref = this.ctx.nextRef();
      if (item instanceof PDFRef) elements.set(item, ref);
      const copy = this.ctx.obj({});
      for (const [key, value] of dict.entries()) {
        if (key === N.P || key === N.K) continue;
        copy.set(key, copier.copy(value));
      }
      copy.set(N.P, parent);
      renameIds(this.ctx, copy, rename, (id) => this.ids.set(id, ref));
      // Folded marked content: plain ids on the element's page (which it takes from its first run
      // when it has none), references with their page for the rest (a paragraph across a page break).
      let page = copy.get(N.Pg);
      const kids = kidsOf(src.context, dict.get(N.K))
        .flatMap((k) => copyKid(k, ref))
        .flatMap((k): PDFObject[] => {
          if (!('mcids' in k)) return [k];
          if (page === undefined) copy.set(N.Pg, (page = k.page));
          return k.mcids.map((mcid) => (k.page === page ? mcid : this.ctx.obj({ Type: N.MCR, Pg: k.page, MCID: mcid })));
        });
      if (kids.length > 0) copy.set(N.K, this.ctx.obj(kids));
      this.ctx.assign(ref, copy);
      return [ref];
    };

    for (const kid of kidsOf(src.context, root.get(N.K))) {
      const [copied] = copyKid(kid, this.documentRef);
      if (!(copied instanceof PDFRef)) continue;
      const element = this.ctx.lookup(copied, PDFDict);
      // Each part was a document of its own; in the book it is a part of the one Document.
      if (element.get(N.S) === N.Document) element.set(N.S, N.Part);
      this.partRefs.push(copied);
    }

    let next = base;
    for (const [key, value] of numberTree(src.context, root.lookupMaybe(N.ParentTree, PDFDict))) {
      const found = value instanceof PDFRef ? src.context.lookup(value) : value;
      let mapped: PDFObject | undefined;
      if (found instanceof PDFArray) {
        // A page's entry: the element of each marked-content id on it.
        mapped = this.ctx.obj(found.asArray().map((e) => (e instanceof PDFRef ? elements.get(e) : undefined) ?? PDFNull));
      } else if (value instanceof PDFRef) {
        mapped = elements.get(value); // an annotation's entry: its element
      }
      if (mapped) this.parentTree.push([key + base, mapped]);
      next = Math.max(next, key + base + 1);
    }
    const declared = root.lookupMaybe(N.ParentTreeNextKey, PDFNumber)?.asNumber();
    this.nextKey = Math.max(next, declared === undefined ? 0 : base + declared);

    for (const page of pages) {
      shiftKey(page.node, N.StructParents, base);
      for (const annot of annotationsOf(this.ctx, page)) shiftKey(annot, N.StructParent, base);
    }
    const roles = root.lookupMaybe(N.RoleMap, PDFDict);
    for (const [key, value] of roles?.entries() ?? []) {
      if (!this.roleMap.has(key.asString())) this.roleMap.set(key.asString(), copier.copy(value));
    }
    return pages;
  }

  /** Writes the book's tree and the catalog entries of a tagged PDF; call once, after the links are resolved. */
  finish(links: LinkFacts): void {
    const ctx = this.ctx;
    const onPages = new Set<PDFRef>();
    for (const page of this.doc.getPages()) {
      const annots = page.node.lookupMaybe(N.Annots, PDFArray);
      for (const a of annots?.asArray() ?? []) if (a instanceof PDFRef) onPages.add(a);
    }
    const notes: { element: PDFRef; noteId: string }[] = [];
    const references: PDFRef[] = [];
    const used = new Set<string>();
    this.walk((ref, element) => {
      const role = name(element.get(N.S));
      if (role !== undefined) used.add(role);
      const kids = element.lookupMaybe(N.K, PDFArray);
      if (!kids) return;
      // An HTML <figure> around a picture (or code) and its caption: the picture is the Figure, with
      // its alt text; the group is a Div (a Figure must have alternative text).
      if (element.get(N.S) === N.Figure && !element.has(N.Alt) && !element.has(N.ActualText)) {
        if (kids.asArray().some((k) => k instanceof PDFRef && ctx.lookupMaybe(k, PDFDict)?.has(N.S))) element.set(N.S, N.Div);
      }
      let link: PDFRef | undefined;
      const keep = kids.asArray().filter((kid) => {
        const objr = kid instanceof PDFDict ? kid : kid instanceof PDFRef ? ctx.lookupMaybe(kid, PDFDict) : undefined;
        if (!objr || objr.get(N.Type) !== N.OBJR) return true;
        const annot = objr.get(N.Obj);
        if (!(annot instanceof PDFRef) || !onPages.has(annot)) return false; // a link the assembler dropped
        if (ctx.lookupMaybe(annot, PDFDict)?.get(N.Subtype) === N.Link) link ??= annot;
        return true;
      });
      if (keep.length !== kids.size()) element.set(N.K, ctx.obj(keep));
      if (!link) return;
      // The <a> itself (NonStruct when it carries an ARIA role); never a paragraph around it.
      const holder = element.get(N.S);
      if (holder === N.NonStruct || holder === N.Span) element.set(N.S, N.Link);
      if (element.get(N.S) !== N.Link) return;
      const target = links.targets.get(link);
      if (target === undefined) return;
      if (links.noteIds.has(target)) references.push(ref);
      const noteId = links.noteOfRef.get(target);
      if (noteId !== undefined) notes.push({ element: ref, noteId });
    });
    for (const ref of references) this.wrapReference(ref);
    const lists = new Set<PDFRef>();
    for (const { element, noteId } of notes) {
      const note = this.itemOfList(element);
      if (!note) continue;
      const dict = ctx.lookup(note.item, PDFDict);
      if (dict.get(N.S) === N.Note) continue;
      dict.set(N.S, N.Note);
      dict.set(N.ID, PDFString.of(noteId)); // unique in the book, and unlike the renamed ones (p3-12)
      this.ids.set(noteId, note.item);
      lists.add(note.list);
    }
    for (const list of lists) {
      const dict = ctx.lookup(list, PDFDict);
      const all = dict.lookupMaybe(N.K, PDFArray)?.asArray() ?? [];
      if (all.every((k) => k instanceof PDFRef && ctx.lookupMaybe(k, PDFDict)?.get(N.S) === N.Note)) dict.set(N.S, N.Div);
    }

    const nums: PDFObject[] = [];
    for (const [key, value] of this.parentTree.sort((a, b) => a[0] - b[0])) nums.push(PDFNumber.of(key), value);
    const root = ctx.obj({
      Type: N.StructTreeRoot,
      K: this.documentRef,
      ParentTree: ctx.obj({ Nums: ctx.obj(nums) }),
      ParentTreeNextKey: PDFNumber.of(this.nextKey),
    });
    if (this.ids.size > 0) {
      // A name tree's keys in byte order (ids are ASCII: code-unit order is byte order).
      const names = [...this.ids.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      root.set(N.IDTree, ctx.obj({ Names: ctx.obj(names.flatMap((id) => [PDFString.of(id), this.ids.get(id)!])) }));
    }
    // Types PDF 2.0 added, which Chromium writes (Em, Strong…), mapped to their PDF 1.7 kin.
    for (const role of used) {
      const kin = PDF2_TYPES[role];
      if (kin && !this.roleMap.has(`/${role}`)) this.roleMap.set(`/${role}`, PDFName.of(kin));
    }
    if (this.roleMap.size > 0) {
      const map = ctx.obj({});
      for (const [key, value] of this.roleMap) map.set(PDFName.of(key.replace(/^\//, '')), value);
      root.set(N.RoleMap, map);
    }
    ctx.assign(this.rootRef, root);
    ctx.assign(this.documentRef, ctx.obj({ Type: N.StructElem, S: N.Document, P: this.rootRef, K: ctx.obj(this.partRefs) }));
    this.doc.catalog.set(N.StructTreeRoot, this.rootRef);
    this.doc.catalog.set(N.MarkInfo, ctx.obj({ Marked: true }));
  }

  /** Visits every element of the book's tree, parents first. */
  private walk(visit: (ref: PDFRef, element: PDFDict) => void): void {
    const stack = [...this.partRefs].reverse();
    while (stack.length > 0) {
      const ref = stack.pop()!;
      const element = this.ctx.lookupMaybe(ref, PDFDict);
      if (!element) continue;
      visit(ref, element);
      const kids = element.lookupMaybe(N.K, PDFArray)?.asArray() ?? [];
      for (let k = kids.length - 1; k >= 0; k--) {
        const kid = kids[k]!;
        if (kid instanceof PDFRef && this.ctx.lookupMaybe(kid, PDFDict)?.has(N.S)) stack.push(kid);
      }
    }
  }

  /** A note reference: the Link inside a Reference (the <sup> around it becomes it, when it holds only the link). */
  private wrapReference(link: PDFRef): void {
    const ctx = this.ctx;
    const element = ctx.lookup(link, PDFDict);
    const parentRef = element.get(N.P);
    const parent = parentRef instanceof PDFRef ? ctx.lookupMaybe(parentRef, PDFDict) : undefined;
    if (!(parentRef instanceof PDFRef) || !parent) return;
    const siblings = parent.lookupMaybe(N.K, PDFArray);
    if (!siblings) return;
    if (parent.get(N.S) === N.Reference) return;
    if (parent.get(N.S) === N.NonStruct && siblings.size() === 1) {
      parent.set(N.S, N.Reference);
      return;
    }
    const index = siblings.asArray().indexOf(link);
    if (index < 0) return;
    const wrapper = ctx.register(ctx.obj({ Type: N.StructElem, S: N.Reference, P: parentRef, K: ctx.obj([link]) }));
    siblings.set(index, wrapper);
    element.set(N.P, wrapper);
  }

  /** The child of a list (L) that holds `element`, and that list. */
  private itemOfList(element: PDFRef): { item: PDFRef; list: PDFRef } | undefined {
    let current = element;
    for (let depth = 0; depth < 64; depth++) {
      const parent = this.ctx.lookup(current, PDFDict).get(N.P);
      if (!(parent instanceof PDFRef) || parent === this.documentRef) return undefined;
      if (this.ctx.lookupMaybe(parent, PDFDict)?.get(N.S) === N.L) return { item: current, list: parent };
      current = parent;
    }
    return undefined;
  }
}

/** PDF 2.0 standard structure types (ISO 32000-2 §14.8.4) and the PDF 1.7 type each maps to. */
const PDF2_TYPES: Record<string, string> = {
  Em: 'Span',
  Strong: 'Span',
  Sub: 'Span',
  Title: 'P',
  FENote: 'Note',
  Aside: 'Div',
  DocumentFragment: 'Div',
  Artifact: 'NonStruct',
};

/** The cover: its whole content is decoration for a reader that follows the tree (ISO 32000-1 §14.8.2.2). */
export function markArtifact(doc: PDFDocument, page: PDFPage): void {
  const ctx = doc.context;
  unmark(ctx, page);
  const contents = page.node.get(N.Contents);
  const streams = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  if (streams.length === 0) return;
  // A page's content streams count as one for marked content (§14.6, note 4): open before, close after.
  const open = ctx.register(ctx.stream('/Artifact BMC\n'));
  const close = ctx.register(ctx.stream('\nEMC\n'));
  page.node.set(N.Contents, ctx.obj([open, ...streams, close]));
}

/** The print PDF needs no structure: the tree, MarkInfo and the keys into the tree go, and so do their objects. */
export function stripStructure(doc: PDFDocument): void {
  doc.catalog.delete(N.StructTreeRoot);
  doc.catalog.delete(N.MarkInfo);
  for (const page of doc.getPages()) unmark(doc.context, page);
  dropUnreachable(doc);
}

/**
 * pdf-lib writes every object of its context, referenced or not: remove those no longer reachable
 * from the trailer (the structure tree, and whatever else the print PDF left behind, such as the
 * cover page and the bookmarks).
 */
function dropUnreachable(doc: PDFDocument): void {
  const ctx = doc.context;
  const seen = new Set<PDFRef>();
  const stack: PDFObject[] = [];
  const { Root, Info, Encrypt, ID } = ctx.trailerInfo;
  for (const o of [Root, Info, Encrypt, ID]) if (o) stack.push(o);
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (o instanceof PDFRef) {
      if (seen.has(o)) continue;
      seen.add(o);
      const value = ctx.lookup(o);
      if (value) stack.push(value);
    } else if (o instanceof PDFDict) {
      for (const [, v] of o.entries()) stack.push(v);
    } else if (o instanceof PDFArray) {
      stack.push(...o.asArray());
    } else if (o instanceof PDFStream) {
      stack.push(o.dict);
    }
  }
  for (const [ref] of ctx.enumerateIndirectObjects()) if (!seen.has(ref)) ctx.delete(ref);
}

function unmark(ctx: PDFContext, page: PDFPage): void {
  page.node.delete(N.StructParents);
  for (const annot of annotationsOf(ctx, page)) annot.delete(N.StructParent);
}

function annotationsOf(ctx: PDFContext, page: PDFPage): PDFDict[] {
  const annots = page.node.lookupMaybe(N.Annots, PDFArray);
  return (annots?.asArray() ?? []).map((a) => ctx.lookupMaybe(a, PDFDict)).filter((a): a is PDFDict => a !== undefined);
}

function shiftKey(dict: PDFDict, key: PDFName, by: number): void {
  const value = dict.lookupMaybe(key, PDFNumber);
  if (value) dict.set(key, PDFNumber.of(value.asNumber() + by));
}

/** A NonStruct with nothing but marked content on its page: no attributes, no id, no child element or annotation. */
function isTextRun(ctx: PDFContext, element: PDFDict): boolean {
  if (element.get(N.S) !== N.NonStruct || !element.has(N.Pg)) return false;
  for (const key of element.keys()) if (key !== N.Type && key !== N.S && key !== N.P && key !== N.K && key !== N.Pg) return false;
  const kids = kidsOf(ctx, element.get(N.K));
  return kids.length > 0 && kids.every((k) => k instanceof PDFNumber || ctx.lookupMaybe(k, PDFDict)?.get(N.Type) === N.MCR);
}

/** An element's /K as a list: one kid, an array of kids, or nothing. */
function kidsOf(ctx: PDFContext, k: PDFObject | undefined): PDFObject[] {
  if (k === undefined) return [];
  const value = k instanceof PDFRef ? ctx.lookup(k) : k;
  if (value instanceof PDFArray) return value.asArray();
  return [k]; // a single kid (a reference to an element stays a reference)
}

/** The entries of a number tree (ISO 32000-1 §7.9.7), from its leaves' /Nums. */
function numberTree(ctx: PDFContext, node: PDFDict | undefined, depth = 0): [number, PDFObject][] {
  if (!node || depth > 32) return [];
  const entries: [number, PDFObject][] = [];
  const nums = node.lookupMaybe(N.Nums, PDFArray);
  if (nums) {
    for (let i = 0; i + 1 < nums.size(); i += 2) {
      const key = nums.lookupMaybe(i, PDFNumber);
      if (key) entries.push([key.asNumber(), nums.get(i + 1)]);
    }
  }
  for (const kid of node.lookupMaybe(N.Kids, PDFArray)?.asArray() ?? []) {
    entries.push(...numberTree(ctx, ctx.lookupMaybe(kid, PDFDict), depth + 1));
  }
  return entries;
}

/** Renames the element's /ID and the ids its /Headers name (a table cell's header cells). */
function renameIds(ctx: PDFContext, element: PDFDict, rename: (id: string) => string, register: (id: string) => void): void {
  const id = textOf(element.get(N.ID));
  if (id !== undefined) {
    element.set(N.ID, PDFString.of(rename(id)));
    register(rename(id));
  }
  const a = element.get(N.A);
  if (!a) return;
  const attributes = a instanceof PDFArray ? a.asArray() : [a];
  const rewritten = attributes.map((entry) => {
    const dict = ctx.lookupMaybe(entry, PDFDict);
    const headers = dict?.lookupMaybe(N.Headers, PDFArray);
    if (!dict || !headers) return entry;
    // A new dictionary: an attribute object may be shared between elements.
    const copy = dict.clone(ctx);
    copy.set(N.Headers, ctx.obj(headers.asArray().map((h) => PDFString.of(rename(textOf(h) ?? '')))));
    return copy;
  });
  if (rewritten.some((entry, i) => entry !== attributes[i])) element.set(N.A, a instanceof PDFArray ? ctx.obj(rewritten) : rewritten[0]!);
}

const name = (value: PDFObject | undefined): string | undefined => (value instanceof PDFName ? value.decodeText() : undefined);

function textOf(value: PDFObject | undefined): string | undefined {
  return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined;
}
