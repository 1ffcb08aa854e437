// The forms asymmetry takes between the United States and an ally: who owes whom what
// (ATOP), capability ratios, U.S. basing, and the cost of U.S. forces against host-nation
// support, each figure with its source and locator.
import type { Source } from '../api-types.ts';
import { csvText, downloadText } from '../csv-export.ts';
import { formatValue } from '../format.ts';
import type { AsymmetryResponse } from '../pages/analysis-types.ts';
import { Cites } from './citations.tsx';

type Sourced = { value: number; unit: string; year: number; flags: string[]; cites: { source: string; locator: string }[] } | null;

function ValueCell({ v, sources }: { v: Sourced; sources: ReadonlyMap<string, Source> }) {
  if (!v) return <><td class="num">missing</td><td /></>;
  return (
    <>
      <td class="num">{formatValue(v.value, 3)} {v.unit === 'ratio' ? '' : v.unit}{v.flags.includes('estimate') ? ' (est.)' : ''} <span class="year">[{v.year}]</span></td>
      <td><Cites cites={v.cites} sources={sources} /></td>
    </>
  );
}

function figures(p: AsymmetryResponse): [string, Sourced][] {
  const cap = p.capability;
  const rows: [string, Sourced][] = [
    [`GDP, ${p.name} ÷ United States`, cap.toUnitedStates.ratios.gdp],
    [`Military expenditure, ${p.name} ÷ United States`, cap.toUnitedStates.ratios.milex],
  ];
  for (const r of cap.toRivals.filter((x) => x.counterpart === cap.principalRival || x.counterpart === cap.principalThreat)) {
    rows.push([`Military expenditure, ${p.name} ÷ ${r.counterpart}`, r.ratios.milex]);
    rows.push([`Distance between capitals, ${r.counterpart}`, r.distanceKm]);
  }
  rows.push(
    ['U.S. active-duty troops hosted', p.basing.troops],
    ['U.S. base sites', p.basing.baseSites],
    ['Host-nation support', p.cost.hostNationSupport],
    ['What the U.S. forces there cost the U.S. a year', p.cost.usStationingCost],
    ['Share of U.S. stationing costs offset (DoD definition: support ÷ (support + U.S. non-personnel cost))', p.cost.offsetShare],
  );
  return rows;
}

export function AsymmetryPanel({ profile, sources }: { profile: AsymmetryResponse; sources: ReadonlyMap<string, Source> }) {
  const current = profile.obligations.commitments.filter((c) => c.current);
  const rows = figures(profile);
  const csv = () => csvText(['measure', 'value', 'unit', 'year', 'sources'], rows.map(([label, v]) => ({
    measure: label, value: v?.value ?? null, unit: v?.unit ?? '', year: v?.year ?? null, sources: v ? v.cites.map((c) => `${c.source} (${c.locator})`).join('; ') : '',
  })));
  return (
    <section class="asymmetry" aria-labelledby="asymmetry-title">
      <h2 id="asymmetry-title">Asymmetry with the United States, {profile.year}: <span class="pattern">{profile.obligations.pattern}</span></h2>
      <table class="obligations">
        <caption>Obligations in force, each way (ATOP 5.1 member level; curated after 2018)</caption>
        <thead><tr><th scope="col">commitment</th><th scope="col">the U.S. owes</th><th scope="col">{profile.name} owes</th><th scope="col">basing</th><th scope="col">source</th></tr></thead>
        <tbody>
          {current.map((c) => (
            <tr key={c.commitment}>
              <th scope="row">{c.name}</th>
              <td>{c.usOwes.join(', ') || '–'}{c.usConditions.length ? ` (${c.usConditions.join(', ')})` : ''}</td>
              <td>{c.allyOwes.join(', ') || '–'}{c.allyConditions.length ? ` (${c.allyConditions.join(', ')})` : ''}</td>
              <td>{c.base.meaning}</td>
              <td><Cites cites={c.cites.slice(0, 2)} sources={sources} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <table class="asymmetry-figures">
        <caption>
          Capability, basing and cost{' '}
          <button type="button" class="csv-link" onClick={() => downloadText(`asymmetry-${profile.ally}-${profile.year}.csv`, csv(), 'text/csv')}>CSV ↓</button>
        </caption>
        <thead><tr><th scope="col">measure</th><th scope="col" class="num">value</th><th scope="col">source</th></tr></thead>
        <tbody>{rows.map(([label, v]) => <tr key={label}><th scope="row">{label}</th><ValueCell v={v} sources={sources} /></tr>)}</tbody>
      </table>
      <details class="definitions"><summary>Definitions</summary><ul>{profile.definitions.map((d) => <li key={d}>{d}</li>)}</ul><p>{profile.cost.costMethod}</p></details>
    </section>
  );
}
