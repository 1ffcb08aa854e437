// Capital coordinates (evidence table "capitals", from peacesciencer's cow_capitals) place
// the allies that the 1:110m atlas is too coarse to draw.
import { useMemo } from 'preact/hooks';
import { useApi } from '../api-client.ts';
import type { Rows } from '../api-types.ts';

interface CapitalRow {
  iso3: string;
  lat: number | null;
  lng: number | null;
  iso_to_year: number | null;
}

export function useCapitals(): ReadonlyMap<string, [number, number]> {
  const table = useApi<Rows<CapitalRow>>('/api/tables/capitals');
  return useMemo(() => {
    const latest = new Map<string, CapitalRow>();
    for (const row of table.data?.rows ?? []) {
      if (row.lat === null || row.lng === null) continue;
      const prior = latest.get(row.iso3);
      if (!prior || (row.iso_to_year ?? 0) >= (prior.iso_to_year ?? 0)) latest.set(row.iso3, row);
    }
    return new Map([...latest].map(([iso3, r]) => [iso3, [r.lng!, r.lat!] as [number, number]]));
  }, [table.data]);
}
