// The covered allies (curated/allies.yaml) as an evidence table, checked against the registry.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CuratedFileError, parseYamlFile } from '../../evidence/sources.ts';
import type { Transform } from '../transform.ts';

const AllyEntry = z.object({
  iso3: z.string().regex(/^[A-Z]{3}$/, 'an ISO 3166 alpha-3 code'),
  basis: z.array(z.enum(['nato', 'rio', 'anzus', 'us-japan', 'us-rok', 'us-philippines', 'manila-pact', 'tra', 'mnna'])).min(1),
  tier: z.enum(['treaty', 'mnna', 'partner']),
  reference: z.boolean().default(false),
});
const AlliesFile = z.object({ allies: z.array(AllyEntry).min(1) });

export const transform: Transform = {
  id: 'allies',
  title: 'Covered allies',
  sources: [],
  indicators: [],
  needsSnapshot: false,
  async run(ctx) {
    const file = path.join(ctx.curatedDir, 'allies.yaml');
    const { allies } = parseYamlFile(file, await readFile(file, 'utf8'), AlliesFile, 'See the comment at the top of curated/allies.yaml.');
    const registry = ctx.countries.registry;
    const rows = allies.map((a, i) => {
      const country = registry.get(a.iso3);
      if (!country) throw new CuratedFileError(file, null, `allies.${i}.iso3`, `unknown country code "${a.iso3}"`, 'Use a code from evidence/countries.csv.');
      return { iso3: a.iso3, name: country.name, region: country.region, tier: a.tier, basis: a.basis.join(';'), reference: a.reference };
    });
    return {
      observations: [],
      tables: [{
        name: 'allies',
        title: 'Covered allies',
        description: 'Every U.S. treaty ally, Taiwan and the major non-NATO allies, with the basis of their tie to the United States (curated/allies.yaml).',
        sources: [],
        fields: [
          { name: 'iso3', type: 'string', description: 'ISO code' },
          { name: 'name', type: 'string', description: 'English short name' },
          { name: 'region', type: 'string', description: 'analytic region' },
          { name: 'tier', type: 'string', description: 'treaty | mnna | partner' },
          { name: 'basis', type: 'string', description: 'commitments tying the ally to the U.S. (us_commitments.csv), ";"-separated' },
          { name: 'reference', type: 'boolean', description: 'named by the reference texts: its evidence must be complete' },
        ],
        primaryKey: ['iso3'],
        rows,
      }],
    };
  },
};
