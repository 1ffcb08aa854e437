// Text from files (scenario titles, labels, notes, messages quoting a line) reaches the
// terminal: an escape sequence in it could recolour, retitle or rewrite the screen. Every
// string the CLI writes to stdout, and every error message, passes through terminalSafe.

/** ESC sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-byte escapes), then the other C0 and C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[ -/]*[0-~]?)/g;
/** C0 controls but tab and newline (and CR before a newline), DEL, and C1 (U+0080-U+009F; U+009B is a one-character CSI). */
// eslint-disable-next-line no-control-regex -- as above
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/g;

export function terminalSafe(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
}

/**
 * Route every string written to a stream through terminalSafe until the returned function is
 * called. Byte chunks pass as they are (the CLI writes text; binary goes to files).
 */
export function filterTerminalOutput(stream: NodeJS.WriteStream = process.stdout): () => void {
  const write = stream.write;
  stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    return (write as (...args: unknown[]) => boolean).call(this, typeof chunk === 'string' ? terminalSafe(chunk) : chunk, ...rest);
  } as typeof stream.write;
  return () => { stream.write = write; };
}
