/**
 * pdf-lib compresses every stream it writes with pako, zlib written in JavaScript, and has no
 * option to take another compressor. Node's own zlib does the same work natively, several times
 * faster: saving a 300-page book's two PDFs spent about a third of a second of CPU in pako. This
 * module, imported by whatever saves a PDF, gives pdf-lib's pako Node's deflate (same format, same
 * level; the bytes stay the same from one build to the next).
 */
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';

const fromPdfLib = createRequire(createRequire(import.meta.url).resolve('pdf-lib'));
const pako = fromPdfLib('pako') as { deflate: (data: Uint8Array) => Uint8Array };
pako.deflate = (data) => deflateSync(data);
