/**
 * How to fix the errors whose message says only what is wrong. Most messages already end with
 * the fix ("…; write ![what the image shows](…)"), and an error raised with a `hint` carries its
 * own; these cover the rest, by what the message says.
 */
const HINTS: { when: RegExp; hint: (m: RegExpExecArray) => string }[] = [
  {
    when: /not valid YAML/,
    hint: () =>
      'YAML wants "field: value", one to a line, nested fields indented by two spaces; put quotes around a value that holds ": " or " #", or starts with [ { * & ! | > % @ or a quote',
  },
  { when: /^([\w.]+) is required/, hint: (m) => `add a line "${m[1]!.split('.').pop()}: …" to book.yaml` },
  {
    when: /^note \[\^([^\]]+)\] is defined but never referenced/,
    hint: (m) => `put [^${m[1]}] in the text where the note belongs, or delete the definition`,
  },
  { when: /this file has no title/, hint: () => 'the first line after the front matter could be "# The Title of the Chapter"' },
];

export function genericHint(message: string): string | undefined {
  for (const { when, hint } of HINTS) {
    const m = when.exec(message);
    if (m) return hint(m);
  }
  return undefined;
}
