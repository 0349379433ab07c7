/** Opens a built EPUB's zip: entries in their stored order, with compression method and text. */
import yauzl from 'yauzl';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  extraFieldLength: number;
  data: Buffer;
}

export function readZip(file: string): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const entries: ZipEntry[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, method: entry.compressionMethod, extraFieldLength: entry.extraFieldLength, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

export const text = (entries: ZipEntry[], name: string): string => {
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in the EPUB`);
  return entry.data.toString('utf8');
};
