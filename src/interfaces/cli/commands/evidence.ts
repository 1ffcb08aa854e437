// allies sources | observations | sql
import type { Command } from 'commander';
import { EVIDENCE_DIR, loadEvidence } from '../../../evidence/load.ts';
import { toBibtex, toCslJson } from '../../../evidence/sources.ts';
import { csvTable, printJson, textTable } from '../format.ts';
import type { Column } from '../format.ts';
import type { Observation } from '../../../evidence/schema.ts';

export function registerEvidenceCommands(program: Command): void {
  program.command('sources')
    .description('list the source registry, or export it as BibTeX or CSL-JSON')
    .option('--format <format>', 'table | bibtex | csl | json', 'table')
    .action(async (opts: { format: string }) => {
      const evidence = await loadEvidence();
      switch (opts.format) {
        case 'bibtex': process.stdout.write(toBibtex(evidence.sources, evidence.sourceFiles)); break;
        case 'csl': printJson(toCslJson(evidence.sources)); break;
        case 'json': printJson(evidence.sources.map((s) => ({ ...s, files: evidence.sourceFiles.filter((f) => f.source === s.id) }))); break;
        case 'table':
          process.stdout.write(textTable(evidence.sources, [
            { header: 'id', value: (s) => s.id },
            { header: 'kind', value: (s) => s.kind },
            { header: 'year', value: (s) => String(s.year) },
            { header: 'title', value: (s) => (s.title.length > 70 ? `${s.title.slice(0, 67)}...` : s.title) },
          ]));
          break;
        default:
          throw new Error(`--format "${opts.format}" is not one of table, bibtex, csl, json`);
      }
    });

  program.command('observations')
    .alias('obs')
    .description('print observations with their sources, e.g. allies obs JPN milex_share_gdp --from 2015')
    .argument('<country>', 'ISO code or name')
    .argument('[indicators...]', 'indicator ids (default: all)')
    .option('--from <year>', 'first year', (v) => parseYear(v, '--from'))
    .option('--to <year>', 'last year', (v) => parseYear(v, '--to'))
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV')
    .action(async (countryArg: string, indicators: string[], opts: { from?: number; to?: number; json?: boolean; csv?: boolean }) => {
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
      process.stdout.write(opts.csv ? csvTable(rows, columns) : textTable(rows, columns.filter((c) => c.header !== 'note')));
    });

  program.command('sql')
    .description('query the evidence in the embedded PostgreSQL (tables: observations, countries, sources, indicators, and every table in evidence/tables)')
    .argument('<query>', 'SQL, e.g. "select country, value from observations where indicator = \'milex_share_gdp\' and year = 2024"')
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .action(async (query: string, opts: { json?: boolean; csv?: boolean; evidence: string }) => {
      // The embedded database (PGlite) loads only for a query.
      const { openEvidenceDb } = await import('../../../store/evidence-db.ts');
      const db = await openEvidenceDb({ evidenceDir: opts.evidence });
      try {
        const result = await db.query<Record<string, unknown>>(query);
        const columns: Column<Record<string, unknown>>[] = result.fields.map((f) => ({
          header: f.name,
          value: (r) => {
            const v = r[f.name];
            return v === null || v === undefined ? null : typeof v === 'number' || typeof v === 'boolean' ? v : typeof v === 'bigint' ? Number(v) : String(v);
          },
        }));
        if (opts.json) printJson(result.rows);
        else if (opts.csv) process.stdout.write(csvTable(result.rows, columns));
        else process.stdout.write(textTable(result.rows, columns) + `(${result.rows.length} rows)\n`);
      } catch (err) {
        const e = err as { message?: string; position?: string };
        throw new Error(`SQL error: ${e.message ?? String(err)}${e.position ? ` (at character ${e.position})` : ''}`, { cause: err });
      } finally {
        await db.close();
      }
    });
}

function parseYear(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1800 || n > 2100) throw new Error(`${flag} "${v}" is not a year`);
  return n;
}
