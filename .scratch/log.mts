import { readFileSync } from 'node:fs';
const b = JSON.parse(readFileSync('/tmp/plan/before.json', 'utf8'));
const a = JSON.parse(readFileSync('/tmp/plan/after-final.json', 'utf8'));
for (const y of ['2024', '2000']) {
  const rb = b[y].filter((x: any) => x.rank).sort((p: any, q: any) => p.rank - q.rank);
  const ra = a[y].filter((x: any) => x.rank).sort((p: any, q: any) => p.rank - q.rank);
  console.log(`\n### ${y}: 1.0 (${rb.length} ranked) vs 2.0 (${ra.length} ranked)\n`);
  console.log('| rank | 1.0 | net | 2.0 | net |'); console.log('|---|---|---|---|---|');
  for (let i = 0; i < 15; i++) console.log(`| ${i + 1} | ${rb[i].ally} | ${rb[i].net.toFixed(1)} | ${ra[i]?.ally ?? ''} | ${ra[i]?.net.toFixed(1) ?? ''} |`);
  console.log('\n| ally | 1.0 rank | 1.0 assets / liabilities / net | 2.0 rank | 2.0 assets / liabilities / net |'); console.log('|---|---|---|---|---|');
  for (const k of ['JPN', 'TWN', 'KOR', 'DEU', 'POL', 'LTU', 'AUS', 'GBR', 'SAU', 'COL', 'PAK', 'FIN']) {
    const x = b[y].find((r: any) => r.ally === k), z = a[y].find((r: any) => r.ally === k);
    const f = (r: any) => r && r.net !== null ? `${r.assets.toFixed(1)} / ${r.liabilities.toFixed(1)} / ${r.net.toFixed(1)}` : 'not an ally this year';
    console.log(`| ${k} | ${x?.rank ?? '–'} of ${rb.length} | ${f(x)} | ${z?.rank ?? '–'}${z ? ` of ${ra.length}` : ''} | ${z ? f(z) : 'not an ally this year'} |`);
  }
}
