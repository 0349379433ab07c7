/** `--name value` or `--name=value` from the command line. */
export function option(name: string, argv: string[] = process.argv.slice(2)): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/** A comma-separated list of positive integers: "20,100". */
export function integerList(name: string, fallback: number[]): number[] {
  const value = option(name);
  if (value === undefined) return fallback;
  const list = value.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`--${name} takes whole numbers separated by commas, e.g. --${name} ${fallback.join(',')} (got ${value})`);
  }
  return list;
}
