// The work of allies sources | observations | sql (defined in evidence.ts), imported when one of them runs.
import { loadEvidence } from '../../../evidence/load.ts';
import { toBibtex, toCslJson } from '../../../evidence/sources.ts';
import { csvTable, printJson, printText, textTable } from '../format.ts';
import type { Column } from '../format.ts';
import type { Observation } from '../../../evidence/schema.ts';


export async function sources(opts: { format: string }): Promise<void> {
  const evidence = await loadEvidence();
  switch (opts.format) {
    case 'bibtex': process.stdout.write(toBibtex(evidence.sources, evidence.sourceFiles)); break;
    case 'csl': printJson(toCslJson(evidence.sources)); break;
    case 'json': printJson(evidence.sources.map((s) => ({ ...s, files: evidence.sourceFiles.filter((f) => f.source === s.id) }))); break;
    case 'table':
      printText(textTable(evidence.sources, [
        { header: 'id', value: (s) => s.id },
        { header: 'kind', value: (s) => s.kind },
        { header: 'year', value: (s) => String(s.year) },
        { header: 'title', value: (s) => (s.title.length > 70 ? `${s.title.slice(0, 67)}...` : s.title) },
      ]));
      break;
    default:
      throw new Error(`--format "${opts.format}" is not one of table, bibtex, csl, json`);
  }
}

export async function observations(countryArg: string, indicators: string[], opts: { from?: number; to?: number; json?: boolean; csv?: boolean }): Promise<void> {
  const evidence = await loadEvidence();
  const country = evidence.countries.find((c) => c.iso3 === countryArg.toUpperCase() || c.name.toLowerCase() === countryArg.toLowerCase());
  if (!country) throw new Error(`unknown country "${countryArg}": give an ISO code such as JPN (see evidence/countries.csv)`);
  for (const id of indicators) if (!evidence.indicator(id)) throw new Error(`unknown indicator "${id}": see evidence/indicators.csv`);
  const rows = evidence.query({ country: country.iso3, indicator: indicators.length ? indicators : undefined, from: opts.from, to: opts.to });
  if (opts.json) return printJson(rows);
  const columns: Column<Observation>[] = [
    { header: 'indicator', value: (o) => o.indicator },
    { header: 'counterpart', value: (o) => o.counterpart },
    { header: 'year', value: (o) => String(o.year) },
    { header: 'value', value: (o) => (o.value === null ? 'missing' : o.value), align: 'right' },
    { header: 'unit', value: (o) => evidence.indicator(o.indicator)?.unit ?? '' },
    { header: 'flags', value: (o) => o.flags.join(';') },
    { header: 'source', value: (o) => o.source },
    { header: 'locator', value: (o) => o.locator },
    { header: 'note', value: (o) => o.note },
  ];
  if (opts.csv) process.stdout.write(csvTable(rows, columns));
  else printText(textTable(rows, columns.filter((c) => c.header !== 'note')));
}

export async function sql(query: string, opts: { json?: boolean; csv?: boolean; evidence: string; databaseUrl?: string; schema?: string }): Promise<void> {
  const url = opts.databaseUrl ?? (process.env.DATABASE_URL || undefined);
  if (url) {
    // A PostgreSQL server (the evidence `allies db push` wrote there); pg loads only for it.
    const { queryServer } = await import('../../../interop/pg-sql.ts');
    const result = await queryServer(url, query, opts.schema);
    return printSqlResult(result.fields, result.rows, opts);
  }
  if (opts.schema) throw new Error('--schema: only with --database-url (or DATABASE_URL); the embedded database has the evidence in its default schema');
  // The embedded database (PGlite) loads only for a query.
  const { openEvidenceDb } = await import('../../../store/evidence-db.ts');
  const db = await openEvidenceDb({ evidenceDir: opts.evidence });
  try {
    const result = await db.query<Record<string, unknown>>(query);
    printSqlResult(result.fields.map((f) => f.name), result.rows, opts);
  } catch (err) {
    const e = err as { message?: string; position?: string };
    throw new Error(`SQL error: ${e.message ?? String(err)}${e.position ? ` (at character ${e.position})` : ''}`, { cause: err });
  } finally {
    await db.close();
  }
}

/** The rows of a query as a table, JSON or CSV: the same from the embedded database and from a server. */
function printSqlResult(fields: readonly string[], rows: Record<string, unknown>[], opts: { json?: boolean; csv?: boolean }): void {
  const columns: Column<Record<string, unknown>>[] = fields.map((name) => ({
    header: name,
    value: (r) => {
      const v = r[name];
      return v === null || v === undefined ? null : typeof v === 'number' || typeof v === 'boolean' ? v : typeof v === 'bigint' ? Number(v) : String(v);
    },
  }));
  if (opts.json) printJson(rows);
  else if (opts.csv) process.stdout.write(csvTable(rows, columns));
  else printText(textTable(rows, columns) + `(${rows.length} rows)\n`);
}
