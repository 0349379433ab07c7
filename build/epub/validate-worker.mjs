// EPUBCheck (epubcheck-ts) on a thread of its own, so that the build merges the PDFs meanwhile.
// Plain JavaScript: a worker starts without the TypeScript loader of the build (tsx, vitest).
import { parentPort, workerData } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { EpubCheck } from '@likecoin/epubcheck-ts';

const bytes = new Uint8Array(await readFile(workerData.file));
const result = await EpubCheck.validate(bytes, { includeUsage: false, includeInfo: false });
parentPort.postMessage(result.messages.map((m) => ({ id: m.id, severity: m.severity, message: m.message, location: m.location })));
