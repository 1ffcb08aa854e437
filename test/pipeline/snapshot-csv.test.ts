// The CSV reader: records with their lines, the same objects as the header gives, and every
// malformed input reported with its file, row and column, in the documented order of precedence.
import { describe, expect, it } from 'vitest';
import type { CsvOptions, CsvRecord } from '../../src/pipeline/snapshot.ts';
import { SnapshotError, integerCell, numberAt, numberCell, parseCsvRecords } from '../../src/pipeline/snapshot.ts';

const parse = (text: string, options?: CsvOptions): CsvRecord[] => parseCsvRecords('test.csv', text, options);

/** The error a text gives, as the fields a user sees. */
function errorOf(text: string, options?: CsvOptions): { row: number | null; column: string | null; problem: string } {
  try {
    parse(text, options);
  } catch (e) {
    expect(e).toBeInstanceOf(SnapshotError);
    const { file, row, column, problem } = e as SnapshotError;
    expect(file).toBe('test.csv');
    return { row, column, problem };
  }
  throw new Error('expected a SnapshotError');
}

const NEVER_CLOSED = 'not a well-formed CSV file (a quoted field is never closed)';
const AFTER_QUOTE = 'not a well-formed CSV file (text after a closing quote)';

describe('parseCsvRecords', () => {
  it('reads records with their lines, with or without a final line end', () => {
    const expected = [
      { line: 2, values: { a: '1', b: '2' } },
      { line: 3, values: { a: '3', b: '4' } },
    ];
    expect(parse('a,b\n1,2\n3,4')).toEqual(expected);
    expect(parse('a,b\n1,2\n3,4\n')).toEqual(expected);
    expect(parse('a,b\r\n1,2\r\n3,4\r\n')).toEqual(expected);
  });

  it('ends a line at a lone carriage return', () => {
    expect(parse('a,b\r1,2\r3,4')).toEqual([
      { line: 2, values: { a: '1', b: '2' } },
      { line: 3, values: { a: '3', b: '4' } },
    ]);
  });

  it('reads quoted fields with delimiters, line ends and doubled quotes', () => {
    const records = parse('a,b,c\n"x,y","he said ""hi""","multi\nline"\n1,"",3\n');
    expect(records).toEqual([
      { line: 2, values: { a: 'x,y', b: 'he said "hi"', c: 'multi\nline' } },
      { line: 4, values: { a: '1', b: '', c: '3' } },
    ]);
    expect(parse('a,b\r\n"1\r\n2",3\r\n4,5\r\n')).toEqual([
      { line: 2, values: { a: '1\r\n2', b: '3' } },
      { line: 4, values: { a: '4', b: '5' } },
    ]);
  });

  it('keeps a quote inside an unquoted field', () => {
    expect(parse('a,b\n1,x"y\n')).toEqual([{ line: 2, values: { a: '1', b: 'x"y' } }]);
  });

  it('skips blank lines but not lines of spaces', () => {
    expect(parse('\n\na,b\n\n1,2\r\n\n\n3,4\n\n')).toEqual([
      { line: 5, values: { a: '1', b: '2' } },
      { line: 8, values: { a: '3', b: '4' } },
    ]);
    expect(parse('a\n1\n  \n3')).toEqual([
      { line: 2, values: { a: '1' } },
      { line: 3, values: { a: '  ' } },
      { line: 4, values: { a: '3' } },
    ]);
    expect(errorOf('a,b\n1,2\n  \n3,4\n')).toEqual({ row: 3, column: null, problem: 'not a well-formed CSV file (the row has 1 fields, the header 2)' });
  });

  it('trims the header names, keeps a repeated name in its first place with its last value', () => {
    const [record] = parse(' a , b ,a\n1,2,3\n');
    expect(record).toEqual({ line: 2, values: { a: '3', b: '2' } });
    expect(Object.keys(record.values)).toEqual(['a', 'b']);
  });

  it('treats a column named __proto__ as no column, and gives records no prototype change', () => {
    const records = parse('a,__proto__,b\n1,2,3\n"4",5,6\n');
    expect(records.map((r) => JSON.stringify(r))).toEqual([
      '{"line":2,"values":{"a":"1","b":"3"}}',
      '{"line":3,"values":{"a":"4","b":"6"}}',
    ]);
    expect(Object.getPrototypeOf(records[0].values)).toBe(Object.prototype);
  });

  it('keeps the columns in the header\'s order (integer-like names first, as for any object)', () => {
    const [record] = parse('b,constructor,2,a\nw,x,y,z\n');
    expect(JSON.stringify(record.values)).toBe('{"2":"y","b":"w","constructor":"x","a":"z"}');
  });

  it('gives no records for a file of only a header', () => {
    expect(parse('a,b,c')).toEqual([]);
    expect(parse('a,b,c\r\n')).toEqual([]);
  });

  it('trims a byte-order mark from the first header name, as other white space', () => {
    expect(parse('\uFEFFa,b\n1,2\n')).toEqual([{ line: 2, values: { a: '1', b: '2' } }]);
  });

  it('reads a custom delimiter, quoted fields included', () => {
    expect(parse('a;b\n1;2\n"x;y";3\n', { delimiter: ';' })).toEqual([
      { line: 2, values: { a: '1', b: '2' } },
      { line: 3, values: { a: 'x;y', b: '3' } },
    ]);
    expect(parse('a\tb\n1,2\t3\n', { delimiter: '\t' })).toEqual([{ line: 2, values: { a: '1,2', b: '3' } }]);
  });

  it('skips preamble lines and counts them', () => {
    expect(parse('"junk\nmore, junk\na,b\n1,2\n', { preambleLines: 2 })).toEqual([{ line: 4, values: { a: '1', b: '2' } }]);
  });

  it('reports no header for an empty or blank file', () => {
    const noHeader = { row: null, column: null, problem: 'the file has no header row' };
    expect(errorOf('')).toEqual(noHeader);
    expect(errorOf('\n\r\n\n')).toEqual(noHeader);
    expect(errorOf('junk\n', { preambleLines: 3 })).toEqual(noHeader);
  });

  it('reports a missing required column on the header line', () => {
    expect(errorOf('x\na,b\n1,2\n', { preambleLines: 1, requireColumns: ['a', 'c', 'd'] })).toEqual({
      row: 2, column: 'c', problem: 'expected column "c" is missing (header: a, b)',
    });
    expect(errorOf('a,b,c,d,e,f,g,h,i,j,k,l,m\n', { requireColumns: ['z'] })).toEqual({
      row: 1, column: 'z', problem: 'expected column "z" is missing (header: a, b, c, d, e, f, g, h, i, j, k, l, ...)',
    });
  });

  it('reports the first row with the wrong field count', () => {
    expect(errorOf('a,b,c\n1,2,3\n4,5\n6,7,8,9\n')).toEqual({ row: 3, column: null, problem: 'not a well-formed CSV file (the row has 2 fields, the header 3)' });
    expect(errorOf('a,b\n1,"2",3\n')).toEqual({ row: 2, column: null, problem: 'not a well-formed CSV file (the row has 3 fields, the header 2)' });
    expect(errorOf('a,b\n\n1,2,\n')).toEqual({ row: 3, column: null, problem: 'not a well-formed CSV file (the row has 3 fields, the header 2)' });
  });

  it('reports a malformed quote on the line it is found', () => {
    expect(errorOf('a,b\n1,2\n3,"abc\n')).toEqual({ row: 3, column: null, problem: NEVER_CLOSED });
    expect(errorOf('a,b\n1,"x"y\n')).toEqual({ row: 2, column: null, problem: AFTER_QUOTE });
    // The closing quote's line, after the line ends inside the field.
    expect(errorOf('a,b\n1,"x\n\nz"y\n')).toEqual({ row: 4, column: null, problem: AFTER_QUOTE });
  });

  it('reports a malformed quote first, then no header, then a missing column, then a field count', () => {
    expect(errorOf('a,b\n1,2,3\n4,"5\n', { requireColumns: ['c'] })).toMatchObject({ row: 3, problem: NEVER_CLOSED });
    expect(errorOf('a,b\n1\n1,2,3\n', { requireColumns: ['c'] })).toMatchObject({ row: 1, column: 'c' });
    expect(errorOf('a,b\n1\n1,2,3\n')).toMatchObject({ row: 2, problem: 'not a well-formed CSV file (the row has 1 fields, the header 2)' });
  });

  it('gives the same records on every read of a layout (one record maker serves them all)', () => {
    const rows = Array.from({ length: 20000 }, (_, k) => `${k},name ${k},"quoted, ${k}",${k % 7},${k * 3},x,y,z,${k % 13},w,v,u,t`);
    const text = `id,name,note,a,b,c,d,e,f,g,h,i,j\n${rows.join('\n')}\n`;
    let first: CsvRecord[] | null = null;
    for (let r = 0; r < 5; r++) {
      const records = parse(text);
      if (!first) {
        first = records;
        expect(records).toHaveLength(20000);
        expect(records[19999]).toEqual({
          line: 20001,
          values: { id: '19999', name: 'name 19999', note: 'quoted, 19999', a: '0', b: '59997', c: 'x', d: 'y', e: 'z', f: '5', g: 'w', h: 'v', i: 'u', j: 't' },
        });
      } else {
        expect(records).toEqual(first);
      }
    }
  });
});

describe('integerCell and numberCell', () => {
  it('read a cell as integerAt and numberAt do: markers (even one that looks like a number), spaces, commas, errors', () => {
    const missing = new Set(['', 'NA', '-9']);
    for (const raw of ['12', '-3', '2.5', '1,234', ' 7', '7 ', '-9', '-9 ', 'NA', '', '1e3', 'x']) {
      const expected = (() => { try { return numberAt({ file: 'f.csv', row: 4 }, 'v', raw, missing); } catch (e) { return (e as Error).message; } })();
      const got = (() => { try { return numberCell('f.csv', 4, 'v', raw, missing); } catch (e) { return (e as Error).message; } })();
      expect(got, raw).toStrictEqual(expected);
    }
    expect(integerCell('f.csv', 4, 'year', '1990')).toBe(1990);
    expect(() => integerCell('f.csv', 4, 'year', '1990.5')).toThrow(/f\.csv, row 4, column "year"/);
    expect(() => integerCell('f.csv', 4, 'year', '')).toThrow(/f\.csv, row 4, column "year"/);
  });
});
