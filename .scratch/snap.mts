import { loadLedgerInputs } from '/work/main/src/method/files.ts';
import { computeLedger } from '/work/main/src/method/ledger.ts';
import { writeFileSync } from 'node:fs';
const method = process.argv[2];
const out = process.argv[3];
const inputs = await loadLedgerInputs(method ? { methodologyFile: method } as any : {});
const res: any = {};
for (const y of [2000, 2024]) {
  const l = computeLedger(inputs, y);
  res[y] = l.allies.map((a) => ({ ally: a.ally, rank: a.rank, net: a.net, assets: a.assets, liabilities: a.liabilities, lines: Object.fromEntries(a.lines.map((x) => [x.item, { raw: x.raw, score: x.score, contribution: x.contribution }])) }));
}
writeFileSync(out, JSON.stringify(res));
for (const y of [2000, 2024]) {
  const r = res[y].filter((a: any) => a.rank).sort((a: any, b: any) => a.rank - b.rank);
  console.log(y, 'ranked', r.length);
  console.log(r.slice(0, 15).map((a: any) => `${a.rank}. ${a.ally} ${a.net.toFixed(1)} (${a.assets.toFixed(1)}/${a.liabilities.toFixed(1)})`).join('\n'));
  for (const k of ['JPN', 'TWN', 'KOR', 'DEU', 'POL', 'LTU', 'AUS']) { const a = res[y].find((x: any) => x.ally === k); console.log(k, a?.rank, a?.net?.toFixed(1), a?.assets?.toFixed(1), a?.liabilities?.toFixed(1)); }
}
