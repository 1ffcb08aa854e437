// Terminal tables that fit (issue 17). One layout for every table the CLI prints: columns take
// their natural width when the table fits; otherwise long text cells wrap, and when even
// wrapped columns do not fit, the lowest-priority columns are left out and a footer line names
// them and says how to see them (--wide). --wide prints every column unwrapped; --json and
// --csv never pass through here.
//
// The width: $COLUMNS when set, else the terminal's width when standard output is a terminal;
// output piped to a file, a pager or another program is not cut (one line per record, as scripts
// expect: `allies data check | grep warning`), unless $COLUMNS is set; --wide: no limit.

export interface LayoutColumn {
  header: string;
  align?: 'left' | 'right';
  /**
   * Kept longer when columns must be left out: higher stays; equal priorities drop from the
   * right. Default 0. Below 0: optional, left out first whenever the table is too wide to print
   * unwrapped (e.g. the sources column of a comparison, which --json and --wide keep).
   */
  priority?: number;
  /** May the cells wrap onto several lines? Default: left-aligned columns wrap, right-aligned (numbers) do not. */
  wrap?: boolean;
}

export interface LayoutOptions {
  /** Characters a line may take; null: no limit. */
  width: number | null;
  /** Characters before every line (counted in the width). */
  indent?: string;
}

export interface Layout {
  lines: string[];
  /** Headers of the columns left out to fit. */
  dropped: string[];
}

let wide = false;

/** --wide for the command that runs (set by main.ts before each action). */
export function setWide(value: boolean): void {
  wide = value;
}

/** The width tables and text are fitted to: null when --wide. */
export function outputWidth(): number | null {
  if (wide) return null;
  const env = Number(process.env.COLUMNS);
  if (process.env.COLUMNS && Number.isInteger(env) && env > 0) return env;
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  return null;
}

/** Width on the screen: code points (the CLI prints no wide or combining characters in tables). */
export function visibleWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - visibleWidth(text))) + text;
}

/**
 * Words of `text` on lines of at most `width` code points; a word longer than that is cut.
 * Leading spaces (an indented label) indent every line.
 */
export function wrapWords(text: string, width: number): string[] {
  const lead = /^ */.exec(text)![0];
  if (lead && lead.length < width / 2) return wrapWords(text.slice(lead.length), width - lead.length).map((l) => lead + l);
  const w = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/).filter(Boolean)) {
    let rest = word;
    while (visibleWidth(rest) > w) {
      if (line) { lines.push(line); line = ''; }
      const points = [...rest];
      // Cut after a hyphen, slash or underscore when there is one, else at the width.
      const soft = Math.max(...['-', '/', '_', '.'].map((c) => points.slice(0, w).lastIndexOf(c)));
      const at = soft > 0 ? soft + 1 : w;
      lines.push(points.slice(0, at).join(''));
      rest = points.slice(at).join('');
    }
    if (!rest) continue;
    if (line && visibleWidth(line) + 1 + visibleWidth(rest) > w) {
      lines.push(line);
      line = rest;
    } else line = line ? `${line} ${rest}` : rest;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** The narrowest a column may get: a wrapping column down to its longest word (at most 12), else its widest cell. */
function minimumWidth(header: string, cells: readonly string[], wraps: boolean): number {
  const longestWord = (s: string) => Math.max(0, ...s.split(/ +/).map(visibleWidth));
  const headerWord = longestWord(header);
  if (!wraps) return Math.max(headerWord, ...cells.map(visibleWidth));
  return Math.max(Math.min(12, Math.max(headerWord, ...cells.map(longestWord))), Math.min(headerWord, 12), 1);
}

/**
 * Lay out a table: a header, a rule, a row per entry, columns two spaces apart. Cells are
 * plain text (one line each). Returns the lines (without newlines) and the columns left out.
 */
export function layoutTable(columns: readonly LayoutColumn[], rows: readonly (readonly string[])[], options: LayoutOptions): Layout {
  const indent = options.indent ?? '';
  const cellsOf = (i: number) => rows.map((r) => r[i] ?? '');
  const natural = columns.map((c, i) => Math.max(visibleWidth(c.header), ...cellsOf(i).map(visibleWidth)));
  const wraps = columns.map((c) => c.wrap ?? c.align !== 'right');
  const total = (idx: readonly number[], widths: readonly number[]) => idx.reduce((s, i) => s + widths[i], 0) + 2 * Math.max(0, idx.length - 1) + visibleWidth(indent);

  let shown = columns.map((_, i) => i);
  let widths = [...natural];
  const dropped: string[] = [];
  const limit = options.width;
  if (limit !== null && total(shown, natural) > limit) {
    const minimum = columns.map((c, i) => Math.min(natural[i], minimumWidth(c.header, cellsOf(i), wraps[i])));
    // Optional columns go first, lowest priority (then rightmost) first, until the rest fit unwrapped or none is left.
    const optional = shown.filter((i) => i > 0 && (columns[i].priority ?? 0) < 0)
      .sort((a, b) => (columns[a].priority ?? 0) - (columns[b].priority ?? 0) || b - a);
    for (const out of optional) {
      if (total(shown, natural) <= limit) break;
      shown = shown.filter((i) => i !== out);
      dropped.push(columns[out].header.trim() || `column ${out + 1}`);
    }
    // Leave out the lowest-priority columns (the rightmost first) until the rest fit at their narrowest; the first column stays.
    const order = shown.slice(1).sort((a, b) => (columns[a].priority ?? 0) - (columns[b].priority ?? 0) || b - a);
    while (shown.length > 1 && total(shown, minimum) > limit) {
      const out = order.shift()!;
      shown = shown.filter((i) => i !== out);
      dropped.push(columns[out].header.trim() || `column ${out + 1}`);
    }
    // Room left: first so that no word is cut (the first columns first), then shared among the
    // wrapping columns in proportion to what they would take.
    widths = [...minimum];
    const longestWord = (i: number) => Math.max(visibleWidth(columns[i].header.split(/ +/).reduce((a, b) => (b.length > a.length ? b : a), '')), ...cellsOf(i).flatMap((c) => c.split(/ +/).map(visibleWidth)));
    for (const i of shown) {
      const grow = Math.min(natural[i], longestWord(i)) - widths[i];
      if (grow > 0 && total(shown, widths) + grow <= limit) widths[i] += grow;
    }
    let room = limit - total(shown, widths);
    const want = shown.filter((i) => natural[i] > widths[i]);
    const need = want.reduce((s, i) => s + natural[i] - widths[i], 0);
    for (const i of want) {
      const add = Math.min(natural[i] - widths[i], Math.floor((room * (natural[i] - widths[i])) / Math.max(1, need)));
      widths[i] += add;
    }
    room = limit - total(shown, widths);
    for (const i of want) {
      if (room <= 0) break;
      const add = Math.min(room, natural[i] - widths[i]);
      widths[i] += add;
      room -= add;
    }
  }

  const render = (cells: readonly string[]): string[] => {
    const wrapped = shown.map((i) => (visibleWidth(cells[i] ?? '') > widths[i] ? wrapWords(cells[i] ?? '', widths[i]) : [cells[i] ?? '']));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) {
      out.push((indent + shown.map((i, j) => {
        const text = wrapped[j][k] ?? '';
        return columns[i].align === 'right' ? padStart(text, widths[i]) : padEnd(text, widths[i]);
      }).join('  ')).trimEnd());
    }
    return out;
  };
  const lines = [
    ...render(columns.map((c) => c.header)),
    (indent + shown.map((i) => '-'.repeat(widths[i])).join('  ')).trimEnd(),
    ...rows.flatMap(render),
  ];
  return { lines, dropped };
}

/** The footer under a table whose columns were left out. */
export function droppedNote(dropped: readonly string[], width: number | null): string[] {
  if (!dropped.length) return [];
  const text = `(left out to fit ${width} characters: ${dropped.join(', ')}; --wide shows every column)`;
  return width === null ? [text] : wrapWords(text, width);
}

/**
 * Prose fitted to the width: a line longer than `width` wraps at spaces, its continuation lines
 * indented like the line (plus two spaces under a list bullet). Lines that fit stay as they are.
 */
export function fitText(text: string, width: number | null = outputWidth()): string {
  if (width === null) return text;
  return text.split('\n').map((line) => {
    if (visibleWidth(line) <= width) return line;
    // A rule (under a title, above the totals) is cut to the width.
    if (/^\s*([=═─-])\1*\s*$/.test(line)) return [...line.trimEnd()].slice(0, width).join('');
    const lead = /^(\s*(?:[-*]\s+|\[\d+\]\s+)?)/.exec(line)![1];
    const indent = ' '.repeat(Math.min(visibleWidth(lead), Math.floor(width / 2)));
    const body = line.slice(lead.length);
    const first = wrapWords(body, width - visibleWidth(lead));
    const head = lead + first[0];
    const rest = first.length > 1 ? wrapWords(first.slice(1).join(' '), width - indent.length).map((l) => indent + l) : [];
    return [head, ...rest].join('\n');
  }).join('\n');
}
