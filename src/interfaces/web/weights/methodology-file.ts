// Saving and loading weights as a methodology file. Saving writes the shipped methodology
// with the user's weights (comments and layout kept, a note at the top of what changed);
// loading checks the file with the engine's own schema, so errors name the line and field.
import { parseDocument } from 'yaml';
import { parseMethodology } from '../../../method/methodology.ts';
import type { Methodology } from '../../../method/methodology.ts';
import type { Weights } from '../routes.ts';

export function methodologyWithWeights(yamlText: string, methodology: Methodology, weights: Weights): string {
  const doc = parseDocument(yamlText);
  const changes: string[] = [];
  methodology.items.forEach((item, i) => {
    const w = weights[item.id];
    if (w === undefined || w === item.weight) return;
    doc.setIn(['items', i, 'weight'], w);
    changes.push(`${item.id}: ${item.weight} -> ${w}`);
  });
  if (changes.length) {
    const note = ` Weights changed in the Alliance Ledger dashboard from ${methodology.methodology} ${methodology.version}:\n${changes.map((c) => `   ${c}`).join('\n')}`;
    doc.commentBefore = doc.commentBefore ? `${note}\n${doc.commentBefore}` : note;
  }
  return doc.toString({ lineWidth: 0 });
}

export interface LoadedWeights {
  weights: Record<string, number>;
  /** Line items of the file that the shipped methodology does not have: their weights cannot apply. */
  ignored: string[];
  /** Items of the shipped methodology the file lacks: they keep their weights. */
  absent: string[];
  name: string;
}

/** Read the weights of a methodology file; throws with file, line and field when it is not valid. */
export function weightsFromMethodologyFile(fileName: string, text: string, shipped: Methodology): LoadedWeights {
  const loaded = parseMethodology(fileName, text).data;
  const shippedIds = new Set(shipped.items.map((i) => i.id));
  const weights: Record<string, number> = {};
  for (const item of loaded.items) {
    if (!shippedIds.has(item.id)) continue;
    const base = shipped.items.find((i) => i.id === item.id)!;
    if (item.weight !== base.weight) weights[item.id] = item.weight;
  }
  const loadedIds = new Set(loaded.items.map((i) => i.id));
  return {
    weights,
    ignored: loaded.items.map((i) => i.id).filter((id) => !shippedIds.has(id)),
    absent: shipped.items.map((i) => i.id).filter((id) => !loadedIds.has(id)),
    name: `${loaded.methodology} ${loaded.version}`,
  };
}
