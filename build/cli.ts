#!/usr/bin/env node
/**
 * The command line: finds the command asked for (build when none is named), checks its options,
 * and runs it. Each command is a file in build/commands/, loaded only when it is the one asked
 * for (`check` need not load the browser driver); nothing else happens here.
 */
import { cac } from 'cac';
import { optionNames, UsageError, type Command } from './commands/command.ts';
import { createReporter } from './messages/progress.ts';

const COMMANDS: { name: string; summary: string; load: () => Promise<Command> }[] = [
  { name: 'build', summary: 'Build the screen PDF, EPUB, print PDF and print cover (the default)', load: async () => (await import('./commands/build.ts')).buildCommand },
  { name: 'preview', summary: 'Serve a live preview of the pages, rebuilt after every change', load: async () => (await import('./commands/preview.ts')).previewCommand },
  { name: 'check', summary: 'Check the book without building it: config, Markdown, links, references, citations, images, diagrams', load: async () => (await import('./commands/check.ts')).checkCommand },
  { name: 'new', summary: 'Make a new book folder that builds as it is', load: async () => (await import('./commands/new.ts')).newCommand },
];

let longRunning = false;

async function main(): Promise<number> {
  // The command is the first argument, when it names one; anything else is a build.
  const first = process.argv[2];
  const entry = COMMANDS.find((c) => c.name === first) ?? COMMANDS[0]!;
  const command = await entry.load();
  const cli = cac('ebook');
  for (const c of COMMANDS) {
    // `build` is also what runs when no command is named: `npm run build -- --book x`.
    const name = c.name === 'build' ? '[...args]' : `${c.name} ${c === entry ? (command.args ?? '[...args]') : '[...args]'}`;
    const defined = cli.command(name, c.summary);
    if (c !== entry) continue;
    defined.usage(command.usage);
    for (const o of command.options) defined.option(o.flags, o.description, o.default === undefined ? undefined : { default: o.default });
    for (const e of command.examples ?? []) defined.example(e);
  }
  cli.help();
  const { args, options } = cli.parse(process.argv, { run: false });
  if (options.help) return 0;
  const rest = entry.name === 'build' && args[0] === 'build' ? args.slice(1) : [...args];
  const known = optionNames(command);
  const unknown = Object.keys(options).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new UsageError(`unknown option --${unknown[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}; see --help`);
  if (!command.args && rest.length > 0) {
    throw new UsageError(`unknown argument ${rest[0]}${entry.name === 'build' ? `; the commands are ${COMMANDS.map((c) => c.name).join(', ')}` : ''}; see --help`);
  }
  longRunning = command.longRunning?.(options) ?? false;
  return command.run(rest, options);
}

function fail(e: unknown): never {
  if (e instanceof UsageError) {
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
  process.exit(createReporter().fail(e, process.cwd()));
}

// A failure in work running beside the main line (a second browser tab) ends a build the same
// way; a preview or a watch reports it and keeps running.
process.on('unhandledRejection', (e) => {
  if (!longRunning) fail(e);
  console.error('internal error (a bug in the builder, please report it); still running:');
  console.error(e);
});
main().then((code) => process.exit(code), fail);
