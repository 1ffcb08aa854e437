// Robustness bands under the user's weights, off the main thread so the ranking itself
// re-renders at once: the engine's runRobustness (the same code as `allies robustness`),
// with fewer draws than the server's run.
import { runRobustness } from '../../../method/robustness.ts';
import type { DrawSettings, ScoreMatrix } from '../../../method/robustness.ts';

export interface BandsRequest {
  id: number;
  matrix: ScoreMatrix;
  settings: DrawSettings;
  interval: number;
}

export interface Band {
  ally: string;
  net_low: number;
  net_high: number;
  rank_low: number;
  rank_high: number;
}

export interface BandsAnswer {
  id: number;
  bands: Band[];
  draws: number;
  pSameOrder: number;
  ms: number;
}

self.onmessage = (event: MessageEvent<BandsRequest>) => {
  const { id, matrix, settings, interval } = event.data;
  const t0 = performance.now();
  const result = runRobustness(matrix, settings, interval);
  const answer: BandsAnswer = {
    id,
    bands: result.allies.map((a) => ({ ally: a.ally, net_low: a.net.low, net_high: a.net.high, rank_low: a.rankInterval[0], rank_high: a.rankInterval[1] })),
    draws: result.draws,
    pSameOrder: result.pSameOrder,
    ms: performance.now() - t0,
  };
  self.postMessage(answer);
};
