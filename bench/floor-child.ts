/**
 * The floor, in its own process: headless Chromium, launched with the builder's flags, printing
 * the whole book once as a single document (bench/floor-html.ts). Run by spawn-measured.ts.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { printResult, readInput, type FloorChildInput } from './child-protocol.ts';
import { loadBook, singleDocumentHtml } from './floor-html.ts';
import { printOneDocument } from './print-document.ts';

const input = readInput<FloorChildInput>();
const book = await loadBook(input.bookDir);
await mkdir(path.join(input.workDir, 'images'), { recursive: true });
for (const image of book.images) {
  await symlink(image.absPath, path.join(input.workDir, image.href)).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
}
const html = singleDocumentHtml(book);
const htmlFile = path.join(input.workDir, 'book.html');
await writeFile(htmlFile, html);
printResult(await printOneDocument(htmlFile, path.join(input.workDir, 'book.pdf'), Buffer.byteLength(html)));
