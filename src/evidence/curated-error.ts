// The error every curated, methodology, judgments and scenario file fails with: the file, the
// line, the field, the problem and a hint. Its own module (no parser, no schema library) so that
// code that only reports such errors loads neither; src/evidence/sources.ts exports it too.
/** A problem in a file users edit, located by line and field. */
export class CuratedFileError extends Error {
  constructor(readonly file: string, readonly line: number | null, readonly field: string, readonly problem: string, readonly hint: string) {
    super(`${file}${line !== null ? `:${line}` : ''}: ${field ? `field "${field}": ` : ''}${problem}. ${hint}`);
    this.name = 'CuratedFileError';
  }
}
