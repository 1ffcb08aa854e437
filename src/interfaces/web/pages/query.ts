// Query strings: for API requests (weights as `weights=`) and for dashboard links that keep
// the year and the weights when moving between pages (weights as `w=`).
import { formatWeights } from '../routes.ts';
import type { Weights } from '../routes.ts';

export function apiQuery(params: { year?: number | null; weights?: Weights; region?: string; format?: string; [key: string]: unknown }): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (key === 'weights') {
      const w = formatWeights(value as Weights);
      if (w) q.set('weights', w);
    } else q.set(key, String(value));
  }
  const text = q.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
  return text ? `?${text}` : '';
}

export function linkQuery(state: { year: number | null; weights: Weights }): string {
  const q = new URLSearchParams();
  if (state.year !== null) q.set('year', String(state.year));
  const w = formatWeights(state.weights);
  if (w) q.set('w', w);
  const text = q.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
  return text ? `?${text}` : '';
}
