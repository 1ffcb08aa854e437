// XLSX exports: the table on one sheet (header row frozen), its columns with types and
// meanings on a second sheet "columns". Written with ExcelJS's streaming writer, so the whole
// evidence (hundreds of thousands of rows) never sits in memory as a workbook.
import ExcelJS from 'exceljs';
import type { ExportColumn, ExportRow, ExportTable, ExportValue } from './table.ts';

/** Excel's limits: rows per sheet and characters per cell. */
export const XLSX_MAX_ROWS = 1_048_576;
export const XLSX_MAX_CELL = 32_767;

/** Sheet names: at most 31 characters, none of : \ / ? * [ ]. */
function sheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, '_').slice(0, 31) || 'data';
}

export async function writeXlsx(table: ExportTable, file: string): Promise<void> {
  if (table.rows.length + 1 > XLSX_MAX_ROWS) throw new Error(`${table.rows.length.toLocaleString('en-US')} rows do not fit on an Excel sheet (at most ${(XLSX_MAX_ROWS - 1).toLocaleString('en-US')}): narrow the export (e.g. --indicator, --country, --from) or use --format csv or parquet`);
  table.rows.forEach((row, i) => {
    for (const c of table.columns) {
      const v = row[c.name];
      if (typeof v === 'string' && v.length > XLSX_MAX_CELL) throw new Error(`${table.name} row ${i + 1}, column "${c.name}": ${v.length} characters exceed Excel's ${XLSX_MAX_CELL} per cell; use --format csv or parquet`);
    }
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Alliance Ledger';
  const data = workbook.addWorksheet(sheetName(table.name), { views: [{ state: 'frozen', ySplit: 1 }] });
  data.columns = table.columns.map((c) => ({ header: c.name, key: c.name, width: c.type === 'string' ? 24 : 12 }));
  data.getRow(1).font = { bold: true };
  data.getRow(1).commit();
  for (const row of table.rows) data.addRow(table.columns.map((c) => row[c.name])).commit();
  data.commit();
  const meta = workbook.addWorksheet('columns');
  meta.columns = [{ header: 'column', key: 'name', width: 18 }, { header: 'type', key: 'type', width: 10 }, { header: 'description', key: 'description', width: 80 }];
  for (const c of table.columns) meta.addRow({ name: c.name, type: c.type, description: c.description }).commit();
  meta.commit();
  await workbook.commit();
}

function cellValue(value: ExcelJS.CellValue, column: ExportColumn, row: number): ExportValue {
  const v = value === undefined ? null : value;
  if (column.type === 'string') {
    if (v === null || v === '') return null;
    if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
    return String(v);
  }
  if (v === null || v === '') return null;
  if (column.type === 'boolean') {
    if (typeof v !== 'boolean') throw new Error(`XLSX row ${row}, column "${column.name}": ${JSON.stringify(v)} is not true or false`);
    return v;
  }
  if (typeof v !== 'number') throw new Error(`XLSX row ${row}, column "${column.name}": ${JSON.stringify(v)} is not a number`);
  return v;
}

/** Read an XLSX export back (its first sheet, typed by the "columns" sheet when given no columns). */
export async function readXlsx(file: string, columns?: readonly ExportColumn[]): Promise<ExportTable> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const [data] = workbook.worksheets;
  const meta = workbook.getWorksheet('columns');
  const types: ExportColumn[] = columns ? [...columns] : [];
  if (!columns && meta) {
    meta.eachRow((row, n) => {
      if (n > 1) types.push({ name: String(row.getCell(1).value), type: String(row.getCell(2).value) as ExportColumn['type'], description: String(row.getCell(3).value ?? '') });
    });
  }
  // Row values are 1-based and sparse: Array.from fills the holes.
  const header = Array.from(data.getRow(1).values as ExcelJS.CellValue[], (v) => (v === null || v === undefined ? '' : String(v)));
  const index = new Map(header.map((h, i) => [h, i]));
  const missing = types.filter((c) => !index.has(c.name));
  if (missing.length) throw new Error(`${file}: the sheet lacks the columns ${missing.map((c) => c.name).join(', ')}`);
  const rows: ExportRow[] = [];
  data.eachRow({ includeEmpty: false }, (row, n) => {
    if (n === 1) return;
    rows.push(Object.fromEntries(types.map((c) => [c.name, cellValue(row.getCell(index.get(c.name)!).value, c, n)])));
  });
  return { name: data.name, columns: types, rows };
}
