// Weights: a slider per line item; the ranking is recomputed in the browser with the engine's
// code on every move, and the robustness bands follow from a worker. The weights live in the
// address (shareable), and save to / load from a methodology file.
import { Component } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useApi } from '../api-client.ts';
import type { LedgersResponse, MethodologyResponse } from '../api-types.ts';
import { RegionFilter } from '../components/controls.tsx';
import { Loading, Problem } from '../components/message.tsx';
import { RankingTable } from '../components/ranking-table.tsx';
import type { RankingEntry } from '../components/ranking-table.tsx';
import { csvText, downloadText } from '../csv-export.ts';
import { Link, navigate } from '../navigation.tsx';
import { formatWeights, hrefOf, roundWeight } from '../routes.ts';
import type { Region, Route, Weights } from '../routes.ts';
import { apiQuery, linkQuery } from './query.ts';
import type { Band, BandsAnswer, BandsRequest } from '../weights/bands-worker.ts';
import { defaultRanks, liveModel, liveRanking, weightVector } from '../weights/live-ranking.ts';
import type { LiveModel } from '../weights/live-ranking.ts';
import type { LineItem } from '../../../method/methodology.ts';

type WeightsRoute = Extract<Route, { page: 'weights' }>;

/** Draws per band run in the browser: enough for stable 90% bands, quick enough to follow a slider. */
const BROWSER_DRAWS = 2000;

function sliderMax(item: LineItem): number {
  return Math.max(1, Math.ceil(item.weight * 4));
}

interface SliderProps {
  item: LineItem;
  value: number;
  onChange: (id: string, w: number) => void;
}

/** Re-renders only when its own value moves: dragging one slider must not redraw the other thirty. */
class WeightSlider extends Component<SliderProps> {
  shouldComponentUpdate(next: SliderProps): boolean {
    return next.value !== this.props.value || next.item !== this.props.item || next.onChange !== this.props.onChange;
  }

  render() {
    return <WeightSliderView {...this.props} />;
  }
}

function WeightSliderView({ item, value, onChange: change }: SliderProps) {
  const onChange = (w: number) => change(item.id, w);
  const max = sliderMax(item);
  const changed = value !== item.weight;
  return (
    <div class={`weight-slider ${changed ? 'changed' : ''}`} data-item={item.id}>
      <label for={`w-${item.id}`}>{item.label}</label>
      <input
        id={`w-${item.id}`}
        type="range"
        min={0}
        max={max}
        step={max / 100}
        value={value}
        aria-valuetext={`${roundWeight(value)} (methodology: ${item.weight})`}
        onInput={(e) => onChange(roundWeight(Number((e.target as HTMLInputElement).value)))}
      />
      <output for={`w-${item.id}`}>{roundWeight(value)}</output>
      <button type="button" class="reset" disabled={!changed} aria-label={`Reset ${item.label} to ${item.weight}`} onClick={() => onChange(item.weight)}>↺</button>
    </div>
  );
}

function useBands(model: LiveModel | null, weights: Weights, interval: number): { bands: Map<string, Band> | null; answer: BandsAnswer | null; pending: boolean } {
  const worker = useRef<Worker | null>(null);
  const latest = useRef(0);
  const [answer, setAnswer] = useState<BandsAnswer | null>(null);
  useEffect(() => {
    const w = new Worker(new URL('../weights/bands-worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<BandsAnswer>) => {
      if (e.data.id === latest.current) setAnswer(e.data);
    };
    worker.current = w;
    return () => w.terminate();
  }, []);
  useEffect(() => {
    if (!model || !worker.current) return;
    const id = ++latest.current;
    // Wait for the slider to settle: the ranking itself never waits for the bands.
    const timer = setTimeout(() => {
      const r = model.methodology.robustness;
      const request: BandsRequest = {
        id,
        matrix: { ...model.matrix, weights: weightVector(model, weights) },
        settings: {
          draws: Math.min(BROWSER_DRAWS, r.draws), seed: r.seed, data: r.data, judgments: r.judgments,
          weights: r.weights.scheme === 'multiplier' ? { kind: 'log-multiplier', low: r.weights.low, high: r.weights.high } : { kind: 'dirichlet', concentration: r.weights.concentration },
        },
        interval,
      };
      worker.current?.postMessage(request);
    }, 150);
    return () => clearTimeout(timer);
  }, [model, weights]);
  const current = answer !== null && answer.id === latest.current;
  return { bands: answer ? new Map(answer.bands.map((b) => [b.ally, b])) : null, answer, pending: !current };
}

export function WeightsPage({ route }: { route: WeightsRoute }) {
  const methodology = useApi<MethodologyResponse>('/api/methodology');
  const ledgers = useApi<LedgersResponse>(`/api/ledgers${apiQuery({ year: route.year })}`);
  const [weights, setWeights] = useState<Weights>(route.weights);
  const [region, setRegion] = useState<Region>(route.region);
  const [fileMessage, setFileMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const model = useMemo(() => (methodology.data && ledgers.data ? liveModel(ledgers.data, methodology.data.methodology) : null), [methodology.data, ledgers.data]);
  const baseRanks = useMemo(() => (model ? defaultRanks(model) : undefined), [model]);
  const rows = useMemo(() => (model ? liveRanking(model, weights, baseRanks) : []), [model, weights, baseRanks]);
  const { bands, answer, pending } = useBands(model, weights, methodology.data?.methodology.robustness.interval ?? 0.9);
  const set = useCallback((id: string, w: number) => setWeights((prior) => {
    const item = methodology.data?.methodology.items.find((i) => i.id === id);
    const next = { ...prior };
    if (item && w === item.weight) delete next[id];
    else next[id] = w;
    return next;
  }), [methodology.data]);

  // Keep the address in step with the sliders (replace: dragging must not flood the history),
  // and follow the address when it changes otherwise (Back, a pasted link).
  const stateKey = (w: Weights, r: Region) => `${formatWeights(w)}|${r}`;
  const written = useRef(stateKey(route.weights, route.region));
  useEffect(() => {
    const timer = setTimeout(() => {
      written.current = stateKey(weights, region);
      navigate(hrefOf({ page: 'weights', year: route.year, region, weights }), { replace: true });
    }, 200);
    return () => clearTimeout(timer);
  }, [weights, region]);
  useEffect(() => {
    if (stateKey(route.weights, route.region) === written.current) return;
    written.current = stateKey(route.weights, route.region);
    setWeights(route.weights);
    setRegion(route.region);
  }, [route.weights, route.region]);

  if (methodology.error || ledgers.error) {
    const e = (methodology.error ?? ledgers.error)!;
    return <Problem title={e.status === 503 ? 'Balance sheets are not available yet' : 'The weights cannot be loaded'}><p>{e.message}</p></Problem>;
  }
  if (!model || !methodology.data || !ledgers.data) return <Loading what="the methodology and the ledgers" />;

  const m = methodology.data.methodology;
  const unknown = Object.keys(route.weights).filter((id) => !m.items.some((i) => i.id === id));

  const sideWeight = (side: 'asset' | 'liability') => m.items.filter((i) => i.side === side).reduce((s, i) => s + (weights[i.id] ?? i.weight), 0);
  const entries: (RankingEntry & { defaultRank: number | null })[] = [];
  let regionRank = 0;
  for (const r of rows) {
    if (region !== 'all' && r.region !== region) continue;
    const band = bands?.get(r.ally);
    entries.push({
      ...r,
      rank: r.rank === null ? null : region === 'all' ? r.rank : ++regionRank,
      net_low: band?.net_low ?? null, net_high: band?.net_high ?? null,
      rank_low: region === 'all' ? band?.rank_low ?? null : null, rank_high: region === 'all' ? band?.rank_high ?? null : null,
    });
  }
  const extent = Math.max(10, ...entries.flatMap((e) => [e.net, e.net_low, e.net_high]).filter((x): x is number => x !== null).map(Math.abs));
  const moved = rows.filter((r) => r.rank !== null && r.defaultRank !== null && r.rank !== r.defaultRank).length;

  const save = async () => {
    const [{ methodologyWithWeights }, text] = await Promise.all([
      import('../weights/methodology-file.ts'),
      fetch('/api/methodology?format=yaml').then((r) => r.text()),
    ]);
    downloadText(`${m.methodology}-my-weights.yaml`, methodologyWithWeights(text, m, weights), 'application/yaml');
  };
  const load = async (file: File) => {
    try {
      const { weightsFromMethodologyFile } = await import('../weights/methodology-file.ts');
      const loaded = weightsFromMethodologyFile(file.name, await file.text(), m);
      setWeights(loaded.weights);
      const notes = [
        `Loaded the weights of ${loaded.name}.`,
        loaded.ignored.length ? `Its items ${loaded.ignored.join(', ')} are not in ${m.methodology}, so their weights do not apply (run \`allies sheet --methodology ${file.name}\` to use the file in full).` : '',
        loaded.absent.length ? `It lacks ${loaded.absent.join(', ')}: they keep the methodology's weights.` : '',
      ];
      setFileMessage({ kind: 'ok', text: notes.filter(Boolean).join(' ') });
    } catch (e) {
      setFileMessage({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    }
  };
  const downloadCsv = () => downloadText(`ranking-${ledgers.data!.year}-my-weights.csv`, csvText(
    ['rank', 'default_rank', 'ally', 'name', 'region', 'assets', 'liabilities', 'net', 'net_low', 'net_high', 'rank_low', 'rank_high', 'coverage'],
    entries.map((e) => ({ ...e, default_rank: e.defaultRank })),
  ), 'text/csv');

  const groups = (side: 'asset' | 'liability') => m.items.filter((i) => i.side === side);
  return (
    <section class="weights-page">
      <div class="page-head">
        <h1>Weights, {ledgers.data.year}</h1>
        <div class="controls">
          <RegionFilter region={region} onChange={setRegion} />
          <button type="button" onClick={() => setWeights({})} disabled={Object.keys(weights).length === 0}>Reset all</button>
          <button type="button" onClick={() => void save()}>Save as methodology file</button>
          <button type="button" onClick={() => fileInput.current?.click()}>Load methodology file…</button>
          <input ref={fileInput} type="file" accept=".yaml,.yml,application/yaml" class="visually-hidden" aria-label="Methodology file to load" onChange={(e) => {
            const f = (e.target as HTMLInputElement).files?.[0];
            if (f) void load(f);
            (e.target as HTMLInputElement).value = '';
          }} />
        </div>
      </div>
      {unknown.length > 0 && <p class="problem-inline" role="alert">The address names weights for {unknown.join(', ')}, which methodology {m.methodology} does not have; they are ignored.</p>}
      {fileMessage && <p class={fileMessage.kind === 'error' ? 'problem-inline' : 'notice'} role={fileMessage.kind === 'error' ? 'alert' : 'status'}>{fileMessage.text}</p>}
      <div class="weights-layout">
        <form class="weight-panel" onSubmit={(e) => e.preventDefault()} aria-label="Line-item weights">
          {(['asset', 'liability'] as const).map((side) => (
            <fieldset key={side}>
              <legend>{side === 'asset' ? 'Assets' : 'Liabilities'} <span class="note">(total weight {roundWeight(sideWeight(side))}; each line's share = its weight ÷ the side's total)</span></legend>
              {sideWeight(side) === 0 && <p class="problem-inline" role="alert">Every {side} weight is 0: the {side === 'asset' ? 'assets' : 'liabilities'} side is empty, so no net can be computed.</p>}
              {groups(side).map((item) => <WeightSlider key={item.id} item={item} value={weights[item.id] ?? item.weight} onChange={set} />)}
            </fieldset>
          ))}
        </form>
        <div class="weights-ranking">
          <p class="live-summary" data-testid="live-summary">
            {Object.keys(weights).length === 0 ? 'The methodology\'s own weights.' : `${Object.keys(weights).length} weight${Object.keys(weights).length > 1 ? 's' : ''} changed; ${moved} of ${rows.filter((r) => r.rank !== null).length} ranked allies moved.`}
            {' '}<Link href={hrefOf({ page: 'overview', year: route.year, region, weights })}>Open the overview with these weights</Link>
          </p>
          <RankingTable
            rows={entries}
            extent={extent}
            linkQuery={linkQuery({ year: route.year, weights })}
            showChange
            caption={
              <>
                Ranking under these weights, recomputed in your browser
                <span class="note"> · bands: {pending ? 'updating…' : `${Math.round((m.robustness.interval) * 100)}% intervals over ${answer?.draws.toLocaleString('en-US')} draws around these weights (${answer?.ms.toFixed(0)} ms)`}</span>
                {' '}<button type="button" class="csv-link" onClick={downloadCsv}>CSV ↓</button>
              </>
            }
          />
        </div>
      </div>
    </section>
  );
}
