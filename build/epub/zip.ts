/**
 * Writes an EpubPackage as an OCF zip: `mimetype` first and stored, then the container and the
 * package, then every file in a fixed order with a fixed timestamp, so equal input gives equal bytes.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { BookError } from '../errors.ts';
import type { EpubPackage } from './package.ts';

const CONTAINER = `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
`;

export async function writeEpubZip(pkg: EpubPackage, dest: string, date: Date): Promise<void> {
  const zip = new yazl.ZipFile();
  // DOS timestamps are local time; shift so that every time zone writes the same bytes (UTC).
  const mtime = new Date(date.getTime() + date.getTimezoneOffset() * 60_000);
  // No extended-timestamp extra field: EPUBCheck rejects one on mimetype, and it varies by zone.
  const options = { mtime, mode: 0o100644, forceDosTimestamp: true };
  zip.addBuffer(Buffer.from('application/epub+zip'), 'mimetype', { ...options, compressionLevel: 0 });
  zip.addBuffer(Buffer.from(CONTAINER), 'META-INF/container.xml', { ...options, compressionLevel: 9 });
  zip.addBuffer(Buffer.from(pkg.opf), 'EPUB/package.opf', { ...options, compressionLevel: 9 });
  for (const file of pkg.files) {
    const data = typeof file.data === 'string' ? Buffer.from(file.data) : file.data;
    const compressed = !/^image\/(jpeg|png|gif|webp)$/.test(file.mediaType);
    zip.addBuffer(data, `EPUB/${file.href}`, { ...options, compressionLevel: compressed ? 9 : 0 });
  }
  zip.end();
  try {
    await pipeline(zip.outputStream, createWriteStream(dest));
  } catch (e) {
    throw new BookError(`cannot write ${dest}: ${(e as Error).message}`);
  }
}
