// Parquet exports through hyparquet-writer, read back with hyparquet: typed columns (UTF8
// strings, INT32 integers, DOUBLE numbers, BOOLEAN), every column nullable, null where a value
// is missing (text included: where a CSV reader sees NA). The two
// packages are loaded when a Parquet export is asked for, and their absence is an error that
// says how to add them.
import { readFile, writeFile } from 'node:fs/promises';
import type { ColumnType, ExportColumn, ExportRow, ExportTable } from './table.ts';

interface ParquetColumnData {
  name: string;
  data: unknown[];
  type: 'STRING' | 'INT32' | 'DOUBLE' | 'BOOLEAN';
  nullable: boolean;
}

interface ParquetWriterModule {
  parquetWriteBuffer(options: { columnData: ParquetColumnData[]; kvMetadata?: { key: string; value: string }[] }): ArrayBuffer;
}

interface ParquetReaderModule {
  parquetReadObjects(options: { file: ArrayBuffer; columns?: string[] }): Promise<Record<string, unknown>[]>;
}

const PARQUET_TYPES: Record<ColumnType, ParquetColumnData['type']> = { string: 'STRING', integer: 'INT32', number: 'DOUBLE', boolean: 'BOOLEAN' };

export class ParquetUnavailableError extends Error {
  constructor(pkg: string) {
    super(`Parquet needs the ${pkg} package, which is not installed: run \`npm install hyparquet hyparquet-writer\` in the project, or use --format csv, xlsx or json`);
    this.name = 'ParquetUnavailableError';
  }
}

// A variable specifier keeps TypeScript from requiring the optional packages at build time.
async function load<T>(pkg: string): Promise<T> {
  try {
    return (await import(pkg)) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') throw new ParquetUnavailableError(pkg);
    throw e;
  }
}

/** Whether Parquet exports can run here. */
export async function parquetAvailable(): Promise<boolean> {
  try {
    await load('hyparquet-writer');
    await load('hyparquet');
    return true;
  } catch {
    return false;
  }
}

export async function writeParquet(table: ExportTable, file: string): Promise<void> {
  const { parquetWriteBuffer } = await load<ParquetWriterModule>('hyparquet-writer');
  const buffer = parquetWriteBuffer({
    columnData: table.columns.map((c) => ({ name: c.name, data: table.rows.map((r) => r[c.name]), type: PARQUET_TYPES[c.type], nullable: true })),
    kvMetadata: [{ key: 'alliance-ledger.columns', value: JSON.stringify(table.columns) }],
  });
  await writeFile(file, new Uint8Array(buffer));
}

export async function readParquet(file: string, name: string, columns: readonly ExportColumn[]): Promise<ExportTable> {
  const { parquetReadObjects } = await load<ParquetReaderModule>('hyparquet');
  const bytes = await readFile(file);
  const records = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
  const rows = records.map((r): ExportRow => Object.fromEntries(columns.map((c) => {
    const v = r[c.name];
    // INT64 would come back as BigInt; the writer uses INT32, but a file from elsewhere may not.
    return [c.name, v === undefined || v === null ? null : typeof v === 'bigint' ? Number(v) : (v as string | number | boolean)];
  })));
  return { name, columns: [...columns], rows };
}
