// Issue 17: terminal tables that fit. Every table the CLI prints goes through one layout
// (src/interfaces/cli/table-layout.ts): it fits $COLUMNS (else the terminal; piped output is not cut) by wrapping
// text and leaving out the lowest-priority columns, named in a footer; --wide prints every
// column unwrapped; --json and --csv are never touched.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/interfaces/cli/main.ts';
import { textTable } from '../../src/interfaces/cli/format.ts';
import { fitText, layoutTable, outputWidth, setWide, wrapWords } from '../../src/interfaces/cli/table-layout.ts';

const columnsBefore = process.env.COLUMNS;
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  setWide(false);
  if (columnsBefore === undefined) delete process.env.COLUMNS;
  else process.env.COLUMNS = columnsBefore;
});

/** Run the CLI in this process at a terminal width: its exit code and standard output. */
async function cli(args: string[], columns: number): Promise<{ code: number; out: string }> {
  process.env.COLUMNS = String(columns);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = await run(args);
  vi.restoreAllMocks();
  return { code, out };
}

/** Width on the screen: escape sequences removed, code points counted. */
// eslint-disable-next-line no-control-regex -- removing escape sequences is the point
const visible = (line: string) => [...line.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')].length;
const widest = (text: string) => Math.max(...text.split('\n').map(visible));

describe('the table layout', () => {
  const columns = [
    { header: 'ally', align: 'left' as const },
    { header: 'net', align: 'right' as const },
    { header: 'standing', align: 'left' as const },
    { header: 'sources', align: 'left' as const, priority: -1 },
  ];
  const rows = [
    ['Japan', '21.3', 'U.S.-Japan treaty since 1960, also a major non-NATO ally since 1996', 'atop-5.1, treaty-us-japan-1960'],
    ['Germany', '54.5', 'NATO since 1955', 'atop-5.1'],
  ];

  it('prints the table at its natural width when it fits, or with no limit', () => {
    const natural = layoutTable(columns, rows, { width: null });
    expect(natural.dropped).toEqual([]);
    expect(natural.lines).toHaveLength(4);
    expect(natural.lines[2]).toBe('Japan    21.3  U.S.-Japan treaty since 1960, also a major non-NATO ally since 1996  atop-5.1, treaty-us-japan-1960');
    expect(layoutTable(columns, rows, { width: 200 }).lines).toEqual(natural.lines);
  });

  it('leaves out optional columns first, then wraps text, numbers right-aligned and never wrapped', () => {
    const { lines, dropped } = layoutTable(columns, rows, { width: 40 });
    expect(dropped).toEqual(['sources']);
    expect(Math.max(...lines.map(visible))).toBeLessThanOrEqual(40);
    expect(lines[0]).toMatch(/^ally\s+net {2}standing$/);
    expect(lines.some((l) => l.includes('21.3'))).toBe(true);
    // The long standing wraps onto further lines of its column.
    expect(lines.join('\n')).toMatch(/U\.S\.-Japan treaty[^\n]*\n {15,}\S/);
    // Right-aligned: the net ends where its header ends.
    const at = lines[0].indexOf('net') + 3;
    expect(lines.find((l) => l.startsWith('Germany'))!.slice(0, at).endsWith('54.5')).toBe(true);
  });

  it('leaves out columns by priority, the rightmost first, when even wrapped columns do not fit; the first column stays', () => {
    const { lines, dropped } = layoutTable(columns, rows, { width: 16 });
    expect(dropped).toEqual(['sources', 'standing']);
    expect(lines[0]).toMatch(/^ally\s+net$/);
    expect(layoutTable([{ header: 'a-very-long-header' }, { header: 'b' }], [['x', 'y']], { width: 5 }).dropped).toEqual(['b']);
  });

  it('wraps words, cuts a word longer than the line after a hyphen, keeps an indent', () => {
    expect(wrapWords('the balance sheet of an ally', 12)).toEqual(['the balance', 'sheet of an', 'ally']);
    expect(wrapWords('alliance-ledger-flashpoint-severity', 20)).toEqual(['alliance-ledger-', 'flashpoint-severity']);
    expect(wrapWords('  Defense spending, share of GDP', 20)).toEqual(['  Defense spending,', '  share of GDP']);
  });

  it('fits prose: long lines wrap under their indent, rules are cut, short lines stay', () => {
    const text = `short\n  - ${'word '.repeat(30).trim()}\n${'='.repeat(80)}`;
    const fitted = fitText(text, 40).split('\n');
    expect(fitted[0]).toBe('short');
    expect(Math.max(...fitted.map(visible))).toBeLessThanOrEqual(40);
    expect(fitted[1].startsWith('  - word')).toBe(true);
    expect(fitted[2].startsWith('    word')).toBe(true);
    expect(fitted.at(-1)).toBe('='.repeat(40));
    expect(fitText(text, null)).toBe(text);
  });

  it('takes the width from COLUMNS; output that is no terminal is not cut; --wide lifts it', () => {
    process.env.COLUMNS = '72';
    expect(outputWidth()).toBe(72);
    delete process.env.COLUMNS;
    if (!process.stdout.isTTY) expect(outputWidth()).toBeNull();
    setWide(true);
    expect(outputWidth()).toBeNull();
  });

  it('prints years without thousands separators and other numbers with them', () => {
    const text = textTable([{ year: 2024, troops: 50786 }], [
      { header: 'year', value: (r) => r.year },
      { header: 'troops', value: (r) => r.troops, align: 'right' },
    ]);
    expect(text.split('\n')[2]).toMatch(/^2024 +50,786$/);
  });
});

describe('commands fit the terminal', () => {
  const SIX = ['JPN', 'KOR', 'AUS', 'DEU', 'POL', 'GBR'];

  for (const width of [60, 100, 200]) {
    it(`allies sheet JPN and allies compare ${SIX.join(' ')} print no line longer than ${width}`, async () => {
      const sheet = await cli(['sheet', 'JPN'], width);
      expect(sheet.code).toBe(0);
      expect(sheet.out).toMatch(/Japan \(JPN\): balance sheet/);
      expect(sheet.out).toMatch(/ASSETS/);
      expect(sheet.out).toMatch(/LIABILITIES/);
      expect(widest(sheet.out)).toBeLessThanOrEqual(width);
      const compare = await cli(['compare', ...SIX], width);
      expect(compare.code).toBe(0);
      expect(compare.out).toMatch(/^measure /m);
      expect(widest(compare.out)).toBeLessThanOrEqual(width);
    });
  }

  it('names the columns it left out, and --wide prints them all unwrapped', async () => {
    const narrow = await cli(['compare', ...SIX], 60);
    expect(narrow.out).toMatch(/\(left out to fit 60 characters: sources[^)]*;\s+--wide\s+shows\s+every\s+column\)/);
    const wide = await cli(['compare', ...SIX, '--wide'], 60);
    expect(wide.code).toBe(0);
    const header = wide.out.split('\n').find((l) => l.startsWith('measure'))!;
    for (const iso of SIX) expect(header).toMatch(new RegExp(`\\b${iso}\\b`));
    expect(header).toMatch(/\bsources$/);
    expect(wide.out).not.toMatch(/left out to fit/);
    expect(widest(wide.out)).toBeGreaterThan(200);
    // The sheet with --wide is the side-by-side T-account.
    const sheet = await cli(['sheet', 'JPN', '--wide'], 60);
    expect(sheet.out).toMatch(/^ASSETS .* │ LIABILITIES /m);
  });

  it('--json and --csv are the same whatever COLUMNS says', async () => {
    for (const args of [['sheet', 'JPN', '--json'], ['sheet', 'JPN', '--csv'], ['rank', '--csv']]) {
      const a = await cli(args, 40);
      const b = await cli(args, 400);
      expect(a.code).toBe(0);
      expect(a.out.length).toBeGreaterThan(1000);
      expect(a.out).toBe(b.out);
    }
    const json = await cli(['compare', ...SIX, '--json'], 40);
    expect(JSON.parse(json.out).table.allies).toHaveLength(6);
    expect(json.out).toBe((await cli(['compare', ...SIX, '--json'], 400)).out);
  });

  it('a scenario run lays its tables out in columns at 70 characters instead of wrapping them as prose', async () => {
    const { code, out } = await cli(['scenario', 'run', 'taiwan-contingency-no-japan-bases', '--no-robustness'], 70);
    expect(code).toBe(0);
    expect(widest(out)).toBeLessThanOrEqual(70);
    const lines = out.split('\n');
    const header = lines.findIndex((l) => l.startsWith('  item (A asset, L'));
    expect(header).toBeGreaterThan(0);
    // The layout's rule under the header, one run of dashes per column kept.
    const rule = lines.slice(header, header + 4).find((l) => /^ {2}-+( {2}-+)+$/.test(l));
    expect(rule).toBeDefined();
    expect(rule!.trim().split(/ {2}/).length).toBeGreaterThanOrEqual(3);
    // Wide enough for every column: the natural layout, as before.
    const wide = await cli(['scenario', 'run', 'taiwan-contingency-no-japan-bases', '--no-robustness'], 400);
    expect(wide.out.split('\n').some((l) => /^ {2}-+( {2}-+)+$/.test(l))).toBe(false);
  }, 120_000);

  it('every other command that prints a table fits 100 characters', async () => {
    const commands = [
      ['rank'], ['sheet', 'JPN', '--history'], ['robustness', '--draws', '2000', '--no-sweep', '--threads', '1'], ['burden'],
      ['explain', 'JPN', '--no-bands'], ['methodology'], ['history'], ['claims'], ['asymmetry', 'JPN'], ['network'],
      ['tiers', '--draws', '50'], ['scenario', 'list'], ['scenario', 'show', 'taiwan-contingency'],
      ['scenario', 'run', 'taiwan-contingency', '--no-robustness'], ['validate'], ['sources'],
      ['obs', 'JPN', 'milex_share_gdp', '--from', '2015'], ['data', 'check', '--coverage'],
    ];
    for (const args of commands) {
      const { code, out } = await cli(args, 100);
      expect(code, args.join(' ')).toBe(0);
      expect(out.length, args.join(' ')).toBeGreaterThan(100);
      expect(widest(out), args.join(' ')).toBeLessThanOrEqual(100);
    }
  }, 300_000);
});
