// One draw of the uncertain data and judgments: every value that has a range is drawn from a
// triangular distribution on it (mode at the value), re-normalized across the allies and
// written into the draw's scores. The plan is made once per matrix so that a draw touches
// only what can move:
// - only the ranged values are drawn; the others keep their value on the item's scale;
// - fixed and judgment-scale items are affine per value, so only the drawn allies' scores change;
// - a min-max item needs the smallest and largest value: the fixed values' extremes are known,
//   so a draw compares them with the drawn ones (a winsorized one needs two quantiles, read
//   from the fixed values, sorted once, merged with the few drawn ones); when the bounds are
//   those of the previous draw, only the drawn allies' scores are rewritten;
// - with the WebAssembly kernel, affine, min-max and winsorized items (linear or log scales)
//   are drawn and scored in the kernel; JavaScript takes only the general path;
// - anything else (percentile ranks, imputation over a moving set) takes the general path,
//   normalizeInto and imputeInto, which is also the reference the plan is tested against
//   (both give the same bits).
// A draw takes its uniforms first (drawUniforms) and applies them (applyUniforms), so that two
// matrices with the same uncertain cells can share a draw's random numbers (paired runs).
import { imputeInto, normalizeInto, onScale } from './normalize.ts';
import type { NormalizeBuffers } from './normalize.ts';
import type { Xoshiro128 } from './random.ts';
import type { ScoreMatrix, UncertainItem } from './score-matrix.ts';
import { HOW, ITEM } from './wasm-kernel.ts';
import type { KernelExports } from './wasm-kernel.ts';

/** Histogram bins for a score (0-100). */
export const SCORE_BINS = 200;

/** Triangular parameters per ranged value: split, low, span, below, high, above. */
const TRI = 6;

type How = 'affine' | 'minmax' | 'winsorized' | 'general';

interface ItemPlan {
  u: UncertainItem;
  how: How;
  /** Its descriptor in the kernel's memory, or -1; whether the kernel applies its draws too. */
  desc: number;
  inKernel: boolean;
  /** Its uniforms of the current draw, when the kernel draws them and JavaScript applies them. */
  uniforms: Float64Array;
  /** 0 linear, 1 log, 2 log1p. */
  scale: number;
  invert: boolean;
  /** Ranged values: their column in the item's arrays, their triangular parameters (TRI each). */
  cols: Int32Array;
  tri: Float64Array;
  /** The draw's values of the ranged cells, as drawn and on the item's scale. */
  drawnRaw: Float64Array;
  drawn: Float64Array;
  /** Every value on the item's scale (NaN: missing); ranged columns are overwritten by each draw. */
  scaled: Float64Array;
  /** Score slots of the ranged values (-1: the ally is not ranked). */
  rangedSlot: Int32Array;
  /** Score slots of ranked allies with a value, and their column. */
  liveSlot: Int32Array;
  liveCol: Int32Array;
  /** Score slots of ranked allies without a value (0: the item is excluded for them). */
  deadSlot: Int32Array;
  /** Every column's slot (-1: not ranked), for the general path. */
  colSlot: Int32Array;
  /** Affine bounds on the scale. */
  lo: number;
  hi: number;
  /** The values that are not drawn: extremes and, for winsorizing, sorted. */
  fixedMin: number;
  fixedMax: number;
  fixedSorted: Float64Array;
  /** The bounds of this chunk's last draw (NaN: none yet, or the general path wrote). */
  lastLo: number;
  lastHi: number;
  /** Values with a number (drawn or not). */
  count: number;
  winsorLow: number;
  winsorHigh: number;
  /** The drawn values sorted, and the merged position of each. */
  drawnSorted: Float64Array;
  drawnPos: Int32Array;
  /** General path buffers. */
  raw: Float64Array;
  out: Float64Array;
}

/**
 * Where a draw's scores go, and their histograms. `values` is the draw's score matrix in one
 * of two layouts: ally-major like the matrix (slot a * m + k), or item-major for the
 * WebAssembly kernel (slot k * stride + a). Histograms are kept by runs: a score is counted
 * when it changes bin (and at the end of a chunk) for every draw it sat in its bin, so the
 * cost follows the scores a draw writes, not all of them. The drawn scores of an affine item
 * that the run redraws are written in every draw: those are counted draw by draw instead
 * (`direct`), which costs less than keeping their runs.
 */
export interface ScoreOut {
  values: Float64Array;
  itemMajor: boolean;
  stride: number;
  /** The matrix cell (a * m + k) of each slot, for the histograms. */
  cellOf: Int32Array;
  /** [cell * SCORE_BINS + bin], or null when not kept (u16 in the kernel's memory: one chunk's counts). */
  counts: Int32Array | Uint16Array | null;
  /** Each slot's current bin and the draw since which it has been there. */
  bin: Int32Array;
  since: Int32Array;
  /** 1 for a slot counted draw by draw (written in every draw of the chunk), 0 for one counted by runs. */
  direct: Uint8Array;
  /** The draw being made (0-based within the chunk). */
  now: number;
  /** Slots of the uncertain items' scores of ranked allies. */
  slots: Int32Array;
}

export interface RedrawPlan {
  /** Every item goes down the general path (the reference). */
  general: boolean;
  /** The WebAssembly kernel that redraws affine and min-max items, or null. */
  kernel: RedrawKernel | null;
  /** For the kernel: the descriptors of the items redrawn with (data, judgments), by flags 1 + 2. */
  lists: { at: number; length: number; js: number[] }[];
  items: ItemPlan[];
  normalize: NormalizeBuffers;
  out: ScoreOut;
  /** One item's uniforms of the current draw. */
  uniforms: Float64Array;
}

/** Where typed arrays of a plan live: ordinary arrays, or a bump region of the kernel's memory. */
export interface Arena {
  f64(length: number): Float64Array;
  i32(length: number): Int32Array;
}

const heap: Arena = { f64: (n) => new Float64Array(n), i32: (n) => new Int32Array(n) };

/** Bytes a plan takes in a kernel arena (an upper bound). */
export function planBytes(matrix: ScoreMatrix, values: number): number {
  const pad = (b: number) => Math.ceil(b / 16) * 16 + 16;
  let bytes = 4 * pad(4 * values) + pad(4 * matrix.n * matrix.m * SCORE_BINS);
  for (const u of matrix.uncertain) {
    const N = u.value.length;
    bytes += pad(ITEM.bytes) + 2 * pad(8 * TRI * (N + 1)) + 3 * pad(8 * N) + 2 * pad(4 * N) + 3 * pad(8 * N) + 5 * pad(4 * N) + 2 * pad(8 * N) + pad(4 * N);
  }
  return bytes;
}

/** An arena in `memory` from byte `start` to `end`. */
export function kernelArena(memory: ArrayBuffer, start: number, end: number): Arena {
  let next = start;
  const take = (bytes: number) => {
    const at = next;
    next += Math.ceil(Math.max(bytes, 1) / 16) * 16;
    if (next > end) throw new Error(`the kernel's plan region is too small (${end - start} bytes)`);
    return at;
  };
  return { f64: (n) => new Float64Array(memory, take(8 * n), n), i32: (n) => new Int32Array(memory, take(4 * n), n) };
}

/** What the plan needs of the kernel. */
export interface RedrawKernel {
  exports: KernelExports;
  memory: ArrayBuffer;
  arena: Arena;
  /** The xoshiro128** state the kernel draws from, and its address. */
  state: Int32Array;
  /**
   * The histogram counts in the kernel's memory, u16: a chunk's (at most CHUNK_DRAWS < 2^16
   * draws), folded into the accumulator and cleared per chunk. Half the memory of i32 counts.
   */
  counts: Uint16Array;
}

function slotOf(matrix: ScoreMatrix, itemMajor: boolean, stride: number, a: number, k: number): number {
  return itemMajor ? k * stride + a : a * matrix.m + k;
}

/**
 * The plan for a matrix's uncertain items, writing into `values` (item-major with `stride`
 * when `itemMajor`). `general: true` sends every item down the general path.
 */
export function redrawPlan(
  matrix: ScoreMatrix, values: Float64Array, layout: { itemMajor: boolean; stride: number }, options: { general?: boolean; kernel?: RedrawKernel | null } = {},
): RedrawPlan {
  const { itemMajor, stride } = layout;
  const kernel = options.kernel ?? null;
  const arena = kernel?.arena ?? heap;
  const N = Math.max(1, ...matrix.uncertain.map((u) => u.value.length));
  const slot = (a: number, k: number) => slotOf(matrix, itemMajor, stride, a, k);
  const items = matrix.uncertain.map((u) => itemPlan(u, options.general === true, slot, arena));
  const size = values.length;
  const cellOf = arena.i32(size).fill(-1);
  for (let a = 0; a < matrix.n; a++) for (let k = 0; k < matrix.m; k++) cellOf[slot(a, k)] = a * matrix.m + k;
  const slots: number[] = [];
  for (const u of matrix.uncertain) for (let a = 0; a < matrix.n; a++) slots.push(slot(a, u.item));
  const out: ScoreOut = {
    values, itemMajor, stride, cellOf, counts: null, bin: arena.i32(size), since: arena.i32(size), direct: new Uint8Array(size), now: 0, slots: Int32Array.from(slots),
  };
  const lists: RedrawPlan['lists'] = [];
  if (kernel) {
    for (const p of items) p.desc = describe(p, kernel);
    for (let flags = 0; flags < 4; flags++) {
      const chosen = [...items.keys()].filter((i) => (items[i].u.kind === 'data' ? flags & 1 : flags & 2));
      const list = kernel.arena.i32(chosen.length);
      list.set(chosen.map((i) => items[i].desc));
      lists.push({ at: list.byteOffset, length: chosen.length, js: chosen.filter((i) => !items[i].inKernel) });
    }
  }
  const widest = Math.max(1, ...items.map((p) => p.cols.length));
  return { general: options.general === true, kernel, lists, items, normalize: { scratch: new Float64Array(N) }, out, uniforms: new Float64Array(widest) };
}

/** Write an item's descriptor into the kernel's memory (the layout of wasm-kernel.ts's ITEM). */
function describe(p: ItemPlan, kernel: RedrawKernel): number {
  // The kernel applies affine and min-max draws (on a log scale with its own log10, which
  // gives Math.log10's bits); of the others it draws the uniforms only.
  p.inKernel = p.how === 'affine' || p.how === 'minmax' || p.how === 'winsorized';
  p.uniforms = kernel.arena.f64(p.cols.length);
  const block = kernel.arena.f64(ITEM.bytes / 8);
  const at = block.byteOffset;
  const i32 = new Int32Array(kernel.memory, at, ITEM.bytes / 4);
  const pointer = (a: Float64Array | Int32Array) => a.byteOffset;
  i32[ITEM.k / 4] = p.cols.length;
  i32[ITEM.how / 4] = !p.inKernel ? HOW.uniforms : p.how === 'affine' ? HOW.affine : p.how === 'winsorized' ? HOW.winsorized : HOW.minmax;
  i32[ITEM.invert / 4] = p.invert ? 1 : 0;
  i32[ITEM.scale / 4] = p.scale;
  // Winsorizing: the fixed values sorted, room for the drawn ones sorted and their places.
  const fixedSorted = kernel.arena.f64(p.fixedSorted.length);
  fixedSorted.set(p.fixedSorted);
  i32[ITEM.fixedSorted / 4] = pointer(fixedSorted);
  i32[ITEM.fixed / 4] = p.fixedSorted.length;
  i32[ITEM.drawnSorted / 4] = pointer(kernel.arena.f64(p.cols.length));
  i32[ITEM.drawnPos / 4] = pointer(kernel.arena.i32(p.cols.length));
  i32[ITEM.tri / 4] = pointer(p.tri);
  i32[ITEM.drawnRaw / 4] = pointer(p.drawnRaw);
  i32[ITEM.drawn / 4] = pointer(p.drawn);
  i32[ITEM.rangedSlot / 4] = pointer(p.rangedSlot);
  i32[ITEM.liveSlot / 4] = pointer(p.liveSlot);
  i32[ITEM.liveCol / 4] = pointer(p.liveCol);
  i32[ITEM.live / 4] = p.liveSlot.length;
  i32[ITEM.deadSlot / 4] = pointer(p.deadSlot);
  i32[ITEM.dead / 4] = p.deadSlot.length;
  i32[ITEM.scaled / 4] = pointer(p.scaled);
  i32[ITEM.cols / 4] = pointer(p.cols);
  i32[ITEM.count / 4] = p.count;
  i32[ITEM.uniforms / 4] = pointer(p.uniforms);
  // The triangular parameters again, by pairs of values (the kernel draws two at a time):
  // pair q's parameter f at [(q * TRI + f) * 2 + lane].
  const triT = kernel.arena.f64(2 * TRI * Math.ceil(p.cols.length / 2));
  for (let r = 0; r < p.cols.length; r++) for (let f = 0; f < TRI; f++) triT[((r >> 1) * TRI + f) * 2 + (r & 1)] = p.tri[r * TRI + f];
  i32[ITEM.triT / 4] = pointer(triT);
  // The live allies' values on the scale in liveSlot's order, and each ranged value's place there.
  const liveScaled = kernel.arena.f64(p.liveCol.length);
  liveScaled.set(Array.from(p.liveCol, (j) => p.scaled[j]));
  const liveOf = new Map(Array.from(p.liveCol, (j, i) => [j, i]));
  const rangedLive = kernel.arena.i32(p.cols.length);
  rangedLive.set(Array.from(p.cols, (j) => liveOf.get(j) ?? -1));
  i32[ITEM.liveScaled / 4] = pointer(liveScaled);
  i32[ITEM.rangedLive / 4] = pointer(rangedLive);
  block[ITEM.lo / 8] = p.lo;
  block[ITEM.hi / 8] = p.hi;
  block[ITEM.fixedMin / 8] = p.fixedMin;
  block[ITEM.fixedMax / 8] = p.fixedMax;
  block[ITEM.lastLo / 8] = Number.NaN;
  block[ITEM.lastHi / 8] = Number.NaN;
  block[ITEM.winsorLow / 8] = p.winsorLow;
  block[ITEM.winsorHigh / 8] = p.winsorHigh;
  i32[ITEM.deadDone / 4] = 0;
  return at;
}

function itemPlan(u: UncertainItem, general: boolean, slot: (a: number, k: number) => number, arena: Arena): ItemPlan {
  const N = u.value.length;
  const spec = u.normalize;
  const scale = spec.method === 'minmax' || spec.method === 'fixed' ? spec.scale : 'linear';
  const cols: number[] = [];
  for (let j = 0; j < N; j++) if (!Number.isNaN(u.value[j]) && u.high[j] > u.low[j]) cols.push(j);
  const tri = arena.f64(TRI * cols.length);
  cols.forEach((j, r) => {
    const low = u.low[j], mode = u.value[j], high = u.high[j];
    // The same operations as a triangular draw from its definition, so the bits agree.
    tri.set([(mode - low) / (high - low), low, high - low, mode - low, high, high - mode], TRI * r);
  });
  const fill = <T extends Float64Array | Int32Array>(into: T, from: ArrayLike<number>): T => {
    into.set(from);
    return into;
  };
  const scaled = fill(arena.f64(N), Float64Array.from(u.value, (v) => (Number.isNaN(v) ? Number.NaN : onScale(v, scale))));
  const colSlot = Int32Array.from(u.row, (row) => (row >= 0 ? slot(row, u.item) : -1));
  const live: number[] = [], dead: number[] = [];
  for (let j = 0; j < N; j++) {
    if (u.row[j] < 0) continue;
    if (Number.isNaN(scaled[j])) dead.push(j);
    else live.push(j);
  }
  const ranged = new Set(cols);
  const fixed = Float64Array.from([...scaled.keys()].filter((j) => !ranged.has(j) && !Number.isNaN(scaled[j])), (j) => scaled[j]).sort();
  // Imputation fills missing values from the others, which move: the general path does it.
  const imputes = u.missing.policy === 'impute' && scaled.some((v) => Number.isNaN(v));
  const how: How = general || imputes || spec.method === 'percentile'
    ? 'general'
    : spec.method === 'fixed' || spec.method === 'judgment_scale' ? 'affine'
      : spec.winsorize ? 'winsorized' : 'minmax';
  return {
    u, how, desc: -1, inKernel: false, uniforms: new Float64Array(0), scale: scale === 'linear' ? 0 : scale === 'log' ? 1 : 2, invert: spec.invert,
    cols: fill(arena.i32(cols.length), cols), tri,
    drawnRaw: arena.f64(cols.length),
    drawn: arena.f64(cols.length),
    scaled,
    rangedSlot: fill(arena.i32(cols.length), cols.map((j) => colSlot[j])),
    liveSlot: fill(arena.i32(live.length), live.map((j) => colSlot[j])),
    liveCol: fill(arena.i32(live.length), live),
    deadSlot: fill(arena.i32(dead.length), dead.map((j) => colSlot[j])),
    colSlot,
    lo: spec.method === 'fixed' ? onScale(spec.min, scale) : spec.method === 'judgment_scale' ? u.bounds!.min : 0,
    hi: spec.method === 'fixed' ? onScale(spec.max, scale) : spec.method === 'judgment_scale' ? u.bounds!.max : 0,
    fixedMin: fixed.length ? fixed[0] : Infinity,
    fixedMax: fixed.length ? fixed[fixed.length - 1] : -Infinity,
    fixedSorted: fixed,
    lastLo: Number.NaN,
    lastHi: Number.NaN,
    count: fixed.length + cols.length,
    winsorLow: spec.method === 'minmax' && spec.winsorize ? spec.winsorize[0] : 0,
    winsorHigh: spec.method === 'minmax' && spec.winsorize ? spec.winsorize[1] : 1,
    drawnSorted: new Float64Array(cols.length),
    drawnPos: new Int32Array(cols.length),
    raw: new Float64Array(N),
    out: new Float64Array(N),
  };
}

function binOf(score: number): number {
  const b = Math.floor((score / 100) * SCORE_BINS);
  return b < 0 ? 0 : b > SCORE_BINS - 1 ? SCORE_BINS - 1 : b;
}

/**
 * Start a chunk: the scores from the matrix (the baseline), histograms counted into `counts`
 * (or not), and no memory of earlier chunks (a chunk's work must not depend on them). `data`
 * and `judgments`: which items the chunk redraws (the drawn scores of those that are affine
 * are counted draw by draw: every draw writes them, by the fast path or the general one).
 */
export function startChunk(plan: RedrawPlan, matrix: ScoreMatrix, counts: Int32Array | Uint16Array | null, data: boolean, judgments: boolean): void {
  const out = plan.out;
  const { n, m } = matrix;
  for (let a = 0; a < n; a++) for (let k = 0; k < m; k++) out.values[slotOf(matrix, out.itemMajor, out.stride, a, k)] = matrix.scores[a * m + k];
  out.counts = counts;
  out.now = 0;
  for (let i = 0; i < out.slots.length; i++) {
    const s = out.slots[i];
    out.bin[s] = binOf(out.values[s]);
    out.since[s] = 0;
    out.direct[s] = 0;
  }
  for (const p of plan.items) {
    if (p.how !== 'affine' || !redrawnItem(p, data, judgments)) continue;
    for (let r = 0; r < p.rangedSlot.length; r++) if (p.rangedSlot[r] >= 0) out.direct[p.rangedSlot[r]] = 1;
  }
  for (const p of plan.items) {
    p.lastLo = Number.NaN;
    p.lastHi = Number.NaN;
    if (p.desc >= 0) {
      new Float64Array(plan.kernel!.memory, p.desc + ITEM.lastLo, 2).fill(Number.NaN);
      new Int32Array(plan.kernel!.memory, p.desc + ITEM.deadDone, 1)[0] = 0;
    }
  }
}

/** Count every score's last run at the end of a chunk of `draws` draws. */
export function endChunk(plan: RedrawPlan, draws: number): void {
  const out = plan.out;
  const counts = out.counts;
  if (counts === null) return;
  for (let i = 0; i < out.slots.length; i++) {
    const s = out.slots[i];
    if (out.direct[s] === 0) counts[out.cellOf[s] * SCORE_BINS + out.bin[s]] += draws - out.since[s];
  }
}

/** Write a score of the current draw, counting the run its bin ends (or the draw, for a direct slot). */
function put(out: ScoreOut, slot: number, x: number): void {
  out.values[slot] = x;
  const counts = out.counts;
  if (counts === null) return;
  const b = binOf(x);
  if (out.direct[slot] === 1) {
    counts[out.cellOf[slot] * SCORE_BINS + b]++;
    return;
  }
  const was = out.bin[slot];
  if (b === was) return;
  counts[out.cellOf[slot] * SCORE_BINS + was] += out.now - out.since[slot];
  out.bin[slot] = b;
  out.since[slot] = out.now;
}

/** Whether an item is redrawn under these settings. */
export function redrawn(plan: RedrawPlan, i: number, data: boolean, judgments: boolean): boolean {
  return plan.items[i].u.kind === 'data' ? data : judgments;
}

/** Item i's uniforms of this draw, in column order (the order the stream is consumed in). */
export function drawUniforms(plan: RedrawPlan, i: number, rng: Xoshiro128): Float64Array {
  const u = plan.uniforms;
  const k = plan.items[i].cols.length;
  for (let r = 0; r < k; r++) u[r] = rng.uniform();
  return u;
}

/** Redraw every item asked for, as draw `plan.out.now` of its chunk. */
export function redrawScores(plan: RedrawPlan, data: boolean, judgments: boolean, rng: Xoshiro128): void {
  for (let i = 0; i < plan.items.length; i++) {
    if (!redrawn(plan, i, data, judgments)) continue;
    applyUniforms(plan, i, drawUniforms(plan, i, rng));
  }
}

/**
 * The same through the kernel: it draws every item's uniforms from the state in its memory,
 * in order, and applies those of affine and min-max items itself; JavaScript applies the
 * others' afterwards (items write disjoint scores, so the order of writing is free).
 */
export function redrawScoresInKernel(plan: RedrawPlan, data: boolean, judgments: boolean, p: { state: number; values: number; counts: number; cellOf: number; bin: number; since: number }): void {
  const list = plan.lists[(data ? 1 : 0) + (judgments ? 2 : 0)];
  const failed = plan.kernel!.exports.redrawAll(list.at, list.length, p.state, p.values, p.counts, p.cellOf, p.bin, p.since, plan.out.now);
  redrawRest(plan, data, judgments, failed);
}

/**
 * After the kernel's redrawAll of a draw: the items it only drew the uniforms of (the general
 * path), and, when `failed` items drew a value that is not a number, those on the general
 * path with the values the kernel drew.
 */
export function redrawRest(plan: RedrawPlan, data: boolean, judgments: boolean, failed: number): void {
  const list = plan.lists[(data ? 1 : 0) + (judgments ? 2 : 0)];
  for (let j = 0; j < list.js.length; j++) {
    const item = plan.items[list.js[j]];
    drawScaled(item, item.uniforms);
    general(item, plan);
  }
  if (failed === 0) return;
  const ok = new Int32Array(plan.kernel!.memory);
  for (const item of plan.items) if (item.inKernel && ok[(item.desc + ITEM.ok) >> 2] === 0 && redrawnItem(item, data, judgments)) general(item, plan);
}

/** The kernel's list of items redrawn under these settings, and whether all of them redraw in the kernel. */
export function kernelList(plan: RedrawPlan, data: boolean, judgments: boolean): { at: number; length: number; all: boolean } {
  const list = plan.lists[(data ? 1 : 0) + (judgments ? 2 : 0)];
  return { at: list.at, length: list.length, all: list.js.length === 0 };
}

function redrawnItem(p: ItemPlan, data: boolean, judgments: boolean): boolean {
  return p.u.kind === 'data' ? data : judgments;
}

/** Item i's triangular draws from the uniforms, normalized and written. */
export function applyUniforms(plan: RedrawPlan, i: number, uniforms: Float64Array): void {
  const p = plan.items[i];
  if (!drawScaled(p, uniforms) || p.how === 'general') general(p, plan);
  else if (p.how === 'affine') affine(p, plan.out);
  else extremes(p, plan.out);
}

/** The triangular draws of an item's ranged values, as drawn and on its scale; false when one is not a number. */
function drawScaled(p: ItemPlan, uniforms: Float64Array): boolean {
  const k = p.cols.length;
  const tri = p.tri, drawn = p.drawn, drawnRaw = p.drawnRaw, scale = p.scale;
  let defined = true;
  for (let r = 0, o = 0; r < k; r++, o += TRI) {
    const x = uniforms[r];
    const v = x < tri[o] ? tri[o + 1] + Math.sqrt(x * tri[o + 2] * tri[o + 3]) : tri[o + 4] - Math.sqrt((1 - x) * tri[o + 2] * tri[o + 5]);
    const s = scale === 0 ? v : scale === 1 ? (v > 0 ? Math.log10(v) : Number.NaN) : v > -1 ? Math.log10(1 + v) : Number.NaN;
    drawnRaw[r] = v;
    drawn[r] = s;
    if (s !== s) defined = false;
  }
  return defined;
}

/** The general path: the drawn values in their columns, then normalizeInto and imputeInto. */
function general(p: ItemPlan, plan: RedrawPlan): void {
  const u = p.u;
  const raw = p.raw;
  raw.set(u.value);
  for (let r = 0; r < p.cols.length; r++) raw[p.cols[r]] = p.drawnRaw[r];
  normalizeInto(raw, u.normalize, p.out, plan.normalize, u.bounds);
  imputeInto(p.out, u.missing, plan.normalize.scratch);
  for (let j = 0; j < raw.length; j++) {
    const slot = p.colSlot[j];
    if (slot >= 0) put(plan.out, slot, Number.isNaN(p.out[j]) ? 0 : p.out[j]);
  }
  // The next fast draw of this item rewrites every score.
  p.lastLo = Number.NaN;
  if (p.desc >= 0) {
    new Float64Array(plan.kernel!.memory, p.desc + ITEM.lastLo, 1)[0] = Number.NaN;
    new Int32Array(plan.kernel!.memory, p.desc + ITEM.deadDone, 1)[0] = 0;
  }
}

/** Fixed bounds: only the drawn allies' scores move. */
function affine(p: ItemPlan, out: ScoreOut): void {
  const lo = p.lo, width = p.hi - p.lo, drawn = p.drawn, rangedSlot = p.rangedSlot;
  for (let r = 0; r < drawn.length; r++) {
    const slot = rangedSlot[r];
    if (slot < 0) continue;
    const x = Math.min(100, Math.max(0, ((drawn[r] - lo) / width) * 100));
    put(out, slot, p.invert ? 100 - x : x);
  }
}

/**
 * Min-max (optionally winsorized): the bounds from the fixed and drawn values, then the
 * scores: all of them when the bounds moved since the last draw, else the drawn allies' only.
 */
function extremes(p: ItemPlan, out: ScoreOut): void {
  if (p.count === 0) return;
  const drawn = p.drawn;
  const k = drawn.length;
  let lo: number, hi: number;
  if (p.how === 'minmax') {
    lo = p.fixedMin;
    hi = p.fixedMax;
    for (let r = 0; r < k; r++) {
      const s = drawn[r];
      if (s < lo) lo = s;
      if (s > hi) hi = s;
    }
  } else {
    placeDrawn(p);
    lo = mergedQuantile(p, p.winsorLow);
    hi = mergedQuantile(p, p.winsorHigh);
  }
  const range = hi - lo;
  // No variation across allies: every ally is at the middle, so the item moves no one.
  const flat = !(range > 1e-12 * Math.max(1, Math.abs(hi)));
  const invert = p.invert;
  if (lo === p.lastLo && hi === p.lastHi) {
    const rangedSlot = p.rangedSlot;
    for (let r = 0; r < k; r++) {
      const slot = rangedSlot[r];
      if (slot < 0) continue;
      const x = flat ? 50 : ((Math.min(hi, Math.max(lo, drawn[r])) - lo) / range) * 100;
      put(out, slot, invert ? 100 - x : x);
    }
    return;
  }
  p.lastLo = lo;
  p.lastHi = hi;
  const scaled = p.scaled, cols = p.cols;
  for (let r = 0; r < k; r++) scaled[cols[r]] = drawn[r];
  const liveSlot = p.liveSlot, liveCol = p.liveCol;
  for (let i = 0; i < liveSlot.length; i++) {
    const x = flat ? 50 : ((Math.min(hi, Math.max(lo, scaled[liveCol[i]])) - lo) / range) * 100;
    put(out, liveSlot[i], invert ? 100 - x : x);
  }
  for (let i = 0; i < p.deadSlot.length; i++) put(out, p.deadSlot[i], 0);
}

/** Sort the drawn values and find each one's position among all values. */
function placeDrawn(p: ItemPlan): void {
  const d = p.drawnSorted;
  const k = d.length;
  d.set(p.drawn);
  for (let i = 1; i < k; i++) {
    const v = d[i];
    let j = i - 1;
    while (j >= 0 && d[j] > v) {
      d[j + 1] = d[j];
      j--;
    }
    d[j + 1] = v;
  }
  const fixed = p.fixedSorted;
  for (let i = 0; i < k; i++) {
    // Fixed values below the drawn one, by binary search.
    let a = 0, b = fixed.length;
    const v = d[i];
    while (a < b) {
      const mid = (a + b) >> 1;
      if (fixed[mid] < v) a = mid + 1;
      else b = mid;
    }
    p.drawnPos[i] = i + a;
  }
}

/** The value at position `at` of all values sorted (the fixed ones merged with the drawn ones). */
function mergedAt(p: ItemPlan, at: number): number {
  let before = 0;
  for (let i = 0; i < p.drawnPos.length; i++) {
    const pos = p.drawnPos[i];
    if (pos === at) return p.drawnSorted[i];
    if (pos < at) before++;
  }
  return p.fixedSorted[at - before];
}

/** quantileSorted (normalize.ts) over the merged values, without merging them. */
function mergedQuantile(p: ItemPlan, q: number): number {
  const count = p.count;
  if (count === 1) return mergedAt(p, 0);
  const h = (count - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, count - 1);
  const a = mergedAt(p, lo);
  return a + (h - lo) * (mergedAt(p, hi) - a);
}
