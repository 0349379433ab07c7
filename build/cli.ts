#!/usr/bin/env node
/** The command line: parse flags, call buildBook(), print what was made or what went wrong. */
import path from 'node:path';
import { cac } from 'cac';
import { buildBook, FORMATS, type Format } from './build.ts';
import { BookError, BookErrors } from './errors.ts';
import { fieldTable } from './config/fields.ts';

const cli = cac('ebook-build');
cli
  .usage('[--book DIR] [--out DIR] [--format pdf,epub,print,cover] [--strict]')
  .option('--book <dir>', 'Book folder (book.yaml, chapters/, optional assets/ and templates/)', { default: '.' })
  .option('--out <dir>', 'Output folder (default: <book>/dist)')
  .option('--format <list>', `Comma-separated outputs: ${FORMATS.join(', ')}`, { default: FORMATS.join(',') })
  .option('--strict', 'Treat every warning as an error (exit 1, no output changed)')
  .option('--fields', 'Print the book.yaml field reference (Markdown) and exit')
  .help();

async function main(): Promise<number> {
  const { options, args } = cli.parse();
  if (options.help) return 0;
  const known = new Set(['book', 'out', 'format', 'strict', 'fields', 'help', 'h', '--']);
  const unknown = Object.keys(options).filter((k) => !known.has(k));
  if (unknown.length > 0 || args.length > 0) {
    console.error(`error: unknown ${unknown.length ? `option --${unknown[0]}` : `argument ${args[0]}`}; see --help`);
    return 2;
  }
  if (options.fields) {
    console.log(fieldTable());
    return 0;
  }
  const formats = String(options.format)
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const unknownFormats = formats.filter((f) => !(FORMATS as readonly string[]).includes(f));
  if (unknownFormats.length > 0 || formats.length === 0) {
    console.error(`error: unknown format ${unknownFormats.join(', ') || '(none)'}; choose from ${FORMATS.join(', ')}`);
    return 2;
  }
  const bookDir = path.resolve(String(options.book));
  const outDir = path.resolve(options.out ? String(options.out) : path.join(bookDir, 'dist'));
  const started = performance.now();
  const result = await buildBook({ bookDir, outDir, formats: formats as Format[], strict: Boolean(options.strict), log: (m) => console.error(m) });
  for (const w of result.warnings) console.error(`warning: ${w}`);
  for (const f of result.files) console.log(`${path.relative(process.cwd(), f.path) || f.path}  ${(f.bytes / 1024).toFixed(0)} KiB`);
  if (result.printPageCount !== undefined) console.log(`print interior: ${result.printPageCount} pages`);
  if (result.cover && result.files.some((f) => f.format === 'cover')) {
    const c = result.cover;
    console.log(
      `print cover: ${c.widthIn.toFixed(4)} × ${c.heightIn.toFixed(4)} in with bleed; spine ${c.spineWidthIn.toFixed(4)} in ` +
        `(${c.service.toUpperCase()}, ${c.paper} paper, ${result.printPageCount} pages)${c.spineText ? '' : '; too thin for spine text'}`,
    );
  }
  const parts = result.layoutParts;
  if (parts && parts.reused > 0) console.log(`layout: ${parts.reused} of ${parts.printed + parts.reused} parts unchanged since the last build, taken from .cache/`);
  console.log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

function fail(e: unknown): never {
  if (e instanceof BookError || e instanceof BookErrors) {
    console.error(`error: ${e.toString().replace(/^BookErrors: /, '')}`);
    process.exit(1);
  }
  console.error('internal error (a bug in the builder, please report it):');
  console.error(e);
  process.exit(70);
}

// A failure in work running beside the main line (a second browser tab) ends the build the same way.
process.on('unhandledRejection', fail);
main().then((code) => process.exit(code), fail);
