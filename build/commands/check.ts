/**
 * `npm run check`: everything the build reports that needs no page layout, in a fraction of a
 * build's time, writing nothing (build/check/check-book.ts). Exit 1 on any error, 0 with
 * warnings only; --strict makes every warning an error.
 */
import { checkBook } from '../check/check-book.ts';
import { createReporter } from '../messages/progress.ts';
import { BOOK_OPTION, bookFolders, QUIET_OPTION, STRICT_OPTION, VERBOSE_OPTION, type Command } from './command.ts';

export const checkCommand: Command = {
  name: 'check',
  usage: 'check [--book DIR] [--strict]',
  options: [BOOK_OPTION, STRICT_OPTION, QUIET_OPTION, VERBOSE_OPTION],
  examples: ['npm run check', 'npm run check -- --book path/to/book --strict'],
  async run(_args, options) {
    const { bookDir } = bookFolders(options);
    const reporter = createReporter({ quiet: Boolean(options.quiet), verbose: Boolean(options.verbose) });
    const started = performance.now();
    let result: Awaited<ReturnType<typeof checkBook>>;
    try {
      result = await checkBook(bookDir, { strict: Boolean(options.strict) });
    } catch (e) {
      return reporter.fail(e, bookDir);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    for (const w of result.warnings) reporter.warn(w);
    if (result.errors.length > 0) {
      reporter.errors(result.errors, bookDir);
      for (const s of result.skipped) reporter.log(`not checked: ${s}`);
      return 1;
    }
    const { files, images, diagrams } = result.counts;
    reporter.out(
      `checked ${files} file${files === 1 ? '' : 's'}, ${images} image${images === 1 ? '' : 's'}, ${diagrams} diagram${diagrams === 1 ? '' : 's'} in ${seconds} s: ` +
        `no errors${result.warnings.length ? `, ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}` : ''}`,
    );
    reporter.out('what only the page layout finds (tables too wide, page references) is reported by npm run build');
    return 0;
  },
};
