/**
 * A problem in the book's input (or the environment) that the author can fix.
 * The CLI prints these without a stack trace; anything else is a bug in the builder.
 */
export class BookError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  /** 1-based column of the spot on the line, when known: the message shows a caret under it. */
  readonly column: number | undefined;
  /** How to fix it, when the message itself does not say: "did you mean authors?". */
  readonly hint: string | undefined;

  constructor(message: string, where: { file?: string; line?: number; column?: number; hint?: string } = {}) {
    super(message);
    this.name = 'BookError';
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.hint = where.hint;
  }

  /** "chapters/01.md:12: message", or just the message when no place is known. */
  override toString(): string {
    if (!this.file) return this.message;
    return `${this.file}${this.line ? `:${this.line}` : ''}: ${this.message}`;
  }
}

/** Several problems found in one pass, reported together so the author can fix them at once. */
export class BookErrors extends Error {
  readonly errors: BookError[];
  constructor(errors: BookError[]) {
    super(errors.map((e) => e.toString()).join('\n'));
    this.name = 'BookErrors';
    this.errors = errors;
  }
}

/** Throws all collected problems at once, if there are any. */
export function throwIfAny(errors: BookError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new BookErrors(errors);
}
