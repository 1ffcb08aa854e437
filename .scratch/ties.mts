import { loadLedgerInputs } from '/work/main/src/method/files.ts';
import { allianceTies } from '/work/main/src/method/alliance-ties.ts';
const inputs = await loadLedgerInputs();
const allies = inputs.evidence.allies().map((a) => a.iso3);
const t = allianceTies(inputs.evidence, allies, 2024);
for (const k of ['POL', 'DEU', 'JPN', 'GBR', 'LTU', 'KOR', 'AUS', 'COL']) { const x = t.get(k)!; console.log(k, x.allies.length, x.strength.toFixed(2), x.refs.map((r) => r.group).join(' ')); }
