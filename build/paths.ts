/** Where the builder itself lives: its default templates/ and assets/ sit beside build/. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUILDER_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
