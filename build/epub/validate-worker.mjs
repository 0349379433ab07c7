// EPUBCheck (epubcheck-ts) on a thread of its own, so that the build merges the PDFs meanwhile.
// Plain JavaScript: a worker starts without the TypeScript loader of the build (tsx, vitest).
// Started with the build, it loads the checker and checks a tiny EPUB first (its modules
// compiled, its schemas built): about a third of the first check's time, taken while the book is
// still being laid out, not after. Then it checks each file it is sent.
import { parentPort } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { strToU8, zipSync } from 'fflate';
import { EpubCheck } from '@likecoin/epubcheck-ts';

const OPTIONS = { includeUsage: false, includeInfo: false };

/** A minimal EPUB 3: a package, a navigation document, nothing else. */
function tinyEpub() {
  const xml = '<?xml version="1.0" encoding="utf-8"?>';
  return zipSync({
    mimetype: [strToU8('application/epub+zip'), { level: 0 }],
    'META-INF/container.xml': strToU8(`${xml}<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="p.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`),
    'p.opf': strToU8(`${xml}<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">warm-up</dc:identifier><dc:title>t</dc:title><dc:language>en</dc:language><meta property="dcterms:modified">2020-01-01T00:00:00Z</meta></metadata><manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/></manifest><spine><itemref idref="nav"/></spine></package>`),
    'nav.xhtml': strToU8(`${xml}<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en"><head><title>t</title></head><body><nav epub:type="toc"><ol><li><a href="nav.xhtml">t</a></li></ol></nav></body></html>`),
  });
}

await EpubCheck.validate(tinyEpub(), OPTIONS).catch(() => undefined);

parentPort.on('message', async ({ file }) => {
  const bytes = new Uint8Array(await readFile(file));
  const result = await EpubCheck.validate(bytes, OPTIONS);
  parentPort.postMessage(result.messages.map((m) => ({ id: m.id, severity: m.severity, message: m.message, location: m.location })));
});
