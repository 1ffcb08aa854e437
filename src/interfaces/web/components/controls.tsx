// The controls every view shares: a year slider that commits on release (or on keys), a
// region switch, and download links for tables.
import { useEffect, useState } from 'preact/hooks';
import type { Region } from '../routes.ts';
import { REGIONS } from '../routes.ts';

export function YearSlider({ year, first, latest, onChange }: { year: number; first: number; latest: number; onChange: (year: number) => void }) {
  const [shown, setShown] = useState(year);
  useEffect(() => setShown(year), [year]);
  return (
    <label class="year-slider">
      <span>Year <strong>{shown}</strong></span>
      <input
        type="range"
        min={first}
        max={latest}
        step={1}
        value={shown}
        aria-label="Year"
        onInput={(e) => setShown(Number((e.target as HTMLInputElement).value))}
        onChange={(e) => onChange(Number((e.target as HTMLInputElement).value))}
      />
    </label>
  );
}

const REGION_LABELS: Record<Region, string> = { all: 'All', asia: 'Asia', europe: 'Europe' };

export function RegionFilter({ region, onChange }: { region: Region; onChange: (region: Region) => void }) {
  return (
    <div class="region-filter" role="radiogroup" aria-label="Region">
      {REGIONS.map((r) => (
        <button key={r} type="button" role="radio" aria-checked={region === r} class={region === r ? 'active' : ''} onClick={() => onChange(r)}>
          {REGION_LABELS[r]}
        </button>
      ))}
    </div>
  );
}

/** A table download: the API's CSV of the same rows (a link, so it works without script too). */
export function CsvLink({ href, label = 'CSV' }: { href: string; label?: string }) {
  return <a class="csv-link" href={href} download>{label} ↓</a>;
}
