// The hot loops of the robustness draws as WebAssembly (SIMD). Weight draws, a block of draws to
// a call (weightBlock): the weights of four draws (weights4: two items' log-uniform multipliers
// to a vector), their nets (nets4: two allies at a time, each side's weight sum without an
// ally's missing items computed once per list of missing items), the four draws' totals
// (totals4: sums and extremes kept in registers across the four, P(net > 0), each value's
// histogram bin), then each draw's ranking (record). The ranking counts, for each ally, the
// allies with a larger net: first in sixteen-bit keys (the draw's span in 65,536 monotone
// steps, eight allies to a vector), then, where keys tie, in f32 (four to a vector), then in
// f64, and where nets are equal, by insertion sort. Histogram bins and ranks wait in batches of
// 64 draws and are counted a row at a time (flushBins, flushRanks): counted draw by draw they
// fell in more rows than the first-level cache holds, and nearly every count waited on memory.
// Data and judgment draws: each item's triangular
// draws (two to a vector), logarithms (log10, fdlibm's as V8 has it, so Math.log10's bits),
// winsorizing quantiles, normalization and scores (two affine scores to a vector) with their
// histogram runs (redrawAll, redrawItem, finishItem), then the nets of the draw's own scores
// (nets1, eight allies at a time) and record (drawOne), a block of draws to a call (redrawBlock). JavaScript spends about ten machine instructions per multiply-add on typed-array
// checks; this kernel spends about two, which is what lets a million draws fit in seconds.
// It computes exactly what the JavaScript paths in draws.ts and redraw.ts compute, in the same order
// (WebAssembly never fuses a multiply and an add), so both give bit-identical results; the
// JavaScript path remains for engines without WebAssembly SIMD.
//
// The module is assembled here from its instructions (no build step, no binary in the repo).

type Bytes = number[];

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const I64 = 0x7e;

function uleb(n: number): Bytes {
  const out: Bytes = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): Bytes {
  const out: Bytes = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function vec(items: Bytes[]): Bytes {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: Bytes): Bytes {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): Bytes {
  return vec([...s].map((c) => [c.charCodeAt(0)]));
}

/** A function body written as instructions; locals are numbered after the parameters. */
class Code {
  readonly bytes: Bytes = [];
  private readonly localTypes: number[] = [];

  constructor(private readonly params: number) {}

  local(type: number): number {
    this.localTypes.push(type);
    return this.params + this.localTypes.length - 1;
  }

  emit(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }

  get(i: number): this { return this.emit(0x20, ...uleb(i)); }
  set(i: number): this { return this.emit(0x21, ...uleb(i)); }
  tee(i: number): this { return this.emit(0x22, ...uleb(i)); }
  i32(v: number): this { return this.emit(0x41, ...sleb(v)); }
  /** i64.const of a small value. */
  i64(v: number): this { return this.emit(0x42, ...sleb(v)); }
  f32(v: number): this {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return this.emit(0x43, ...b);
  }
  f64(v: number): this {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    return this.emit(0x44, ...b);
  }

  // Memory (alignment hints: 2^2 for i32, 2^3 for f64, 2^4 for v128; offset 0).
  loadI32(offset = 0): this { return this.emit(0x28, 2, ...uleb(offset)); }
  storeI32(): this { return this.emit(0x36, 2, 0); }
  /** i32.load16_u and i32.store16: per-chunk histogram counts (at most CHUNK_DRAWS, below 2^16). */
  loadU16(): this { return this.emit(0x2f, 1, 0); }
  storeI16(offset = 0): this { return this.emit(0x3b, 1, ...uleb(offset)); }
  loadF64(offset = 0): this { return this.emit(0x2b, 3, ...uleb(offset)); }
  storeF64(offset = 0): this { return this.emit(0x39, 3, ...uleb(offset)); }
  /** v128.load64_splat: an f64 from memory into both lanes. */
  loadSplatF64(offset = 0): this { return this.emit(0xfd, 0x0a, 3, ...uleb(offset)); }
  loadV128(offset = 0): this { return this.emit(0xfd, 0x00, 4, ...uleb(offset)); }
  storeV128(): this { return this.emit(0xfd, 0x0b, 4, 0); }

  addI32(): this { return this.emit(0x6a); }
  xorI32(): this { return this.emit(0x73); }
  shrI32(): this { return this.emit(0x76); }
  rotlI32(): this { return this.emit(0x77); }
  eqI32(): this { return this.emit(0x46); }
  /** f64.convert_i32_u */
  fromU32(): this { return this.emit(0xb8); }
  /** f64.convert_i32_s */
  fromI32(): this { return this.emit(0xb7); }
  subI32(): this { return this.emit(0x6b); }
  mulI32(): this { return this.emit(0x6c); }
  shlI32(): this { return this.emit(0x74); }
  ltI32(): this { return this.emit(0x48); }
  gtI32(): this { return this.emit(0x4a); }
  geI32(): this { return this.emit(0x4e); }
  neI32(): this { return this.emit(0x47); }
  addF64(): this { return this.emit(0xa0); }
  subF64(): this { return this.emit(0xa1); }
  mulF64(): this { return this.emit(0xa2); }
  divF64(): this { return this.emit(0xa3); }
  minF64(): this { return this.emit(0xa4); }
  maxF64(): this { return this.emit(0xa5); }
  absF64(): this { return this.emit(0x99); }
  sqrtF64(): this { return this.emit(0x9f); }
  floorF64(): this { return this.emit(0x9c); }
  neF64(): this { return this.emit(0x62); }
  select(): this { return this.emit(0x1b); }
  call(index: number): this { return this.emit(0x10, ...uleb(index)); }
  ret(): this { return this.emit(0x0f); }
  ltF64(): this { return this.emit(0x63); }
  gtF64(): this { return this.emit(0x64); }
  eqF64(): this { return this.emit(0x61); }
  /** i32.trunc_sat_f64_s: toward zero, NaN to 0 (as JavaScript's `x | 0` in range). */
  truncF64(): this { return this.emit(0xfc, 0x02); }
  splat(): this { return this.emit(0xfd, 0x14); }
  lane(i: number): this { return this.emit(0xfd, 0x21, i); }
  addV(): this { return this.emit(0xfd, ...uleb(0xf0)); }
  subV(): this { return this.emit(0xfd, ...uleb(0xf1)); }
  mulV(): this { return this.emit(0xfd, ...uleb(0xf2)); }
  divV(): this { return this.emit(0xfd, ...uleb(0xf3)); }
  zeroV(): this { return this.emit(0xfd, 0x0c, ...new Array<number>(16).fill(0)); }

  /** for (i = from; i < to; i++) body — `from` and `to` push an i32. */
  for(i: number, from: (c: Code) => void, to: (c: Code) => void, body: (c: Code) => void): this {
    from(this);
    this.set(i);
    this.emit(0x02, 0x40, 0x03, 0x40); // block, loop
    this.get(i);
    to(this);
    this.geI32().emit(0x0d, 1); // br_if out
    body(this);
    this.get(i).i32(1).addI32().set(i);
    return this.emit(0x0c, 0, 0x0b, 0x0b); // br loop, end, end
  }

  /** if (condition) then — the condition pushes an i32. */
  when(condition: (c: Code) => void, then: (c: Code) => void, otherwise?: (c: Code) => void): this {
    condition(this);
    this.emit(0x04, 0x40);
    then(this);
    if (otherwise) {
      this.emit(0x05);
      otherwise(this);
    }
    return this.emit(0x0b);
  }

  /** Address of element `index` (pushes i32) of an array at pointer local `base` with `size`-byte elements. */
  at(base: number, index: (c: Code) => void, size: 4 | 8 | 32): this {
    this.get(base);
    index(this);
    this.i32(size === 4 ? 2 : size === 8 ? 3 : 5).shlI32();
    return this.addI32();
  }

  body(): Bytes {
    const groups: Bytes[] = this.localTypes.map((t) => [1, t]);
    const content = [...vec(groups), ...this.bytes, 0x0b];
    return [...uleb(content.length), ...content];
  }
}

const NETS4_PARAMS = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64];

/**
 * nets4(n, m, assetItems, pScores, pW4, pExOf, pExPlan, pAssets, pLiabilities, pNets,
 * balanceAssets, balanceLiabilities): netsBatch of robustness.ts, the excluded items by lists
 * (exclusionPlan).
 */
function nets4(): Code {
  const [n, m, mA, pS, pW, pExOf, pExPlan, pA, pL, pN, ba, bl] = NETS4_PARAMS.map((_, i) => i);
  const c = new Code(NETS4_PARAMS.length);
  const a = c.local(I32), e = c.local(I32), w = c.local(I32), item = c.local(I32), sp = c.local(I32), wp = c.local(I32), end = c.local(I32), out = c.local(I32);
  const wa01 = c.local(V128), wa23 = c.local(V128), wl01 = c.local(V128), wl23 = c.local(V128);
  const d01 = c.local(V128), d23 = c.local(V128), e01 = c.local(V128), e23 = c.local(V128), s = c.local(V128);
  const w01 = c.local(V128), w23 = c.local(V128), b = c.local(I32), den = c.local(I32);
  const ptrs = [sp, c.local(I32), c.local(I32), c.local(I32)];
  const accs = [0, 1, 2, 3].map(() => [c.local(V128), c.local(V128), c.local(V128), c.local(V128)] as const);
  const zero = (...locals: number[]) => { for (const l of locals) c.zeroV().set(l); };
  /** while (wp < end) { body; wp += 32 } */
  const overWeights = (body: () => void) => {
    c.emit(0x02, 0x40, 0x03, 0x40);
    c.get(wp).get(end).geI32().emit(0x0d, 1);
    body();
    c.get(wp).i32(32).addI32().set(wp);
    c.emit(0x0c, 0, 0x0b, 0x0b);
  };
  // Side weight sums, lane by lane, in item order.
  zero(wa01, wa23, wl01, wl23);
  c.get(pW).set(wp);
  c.at(pW, (x) => x.get(mA), 32).set(end);
  overWeights(() => {
    c.get(wa01).get(wp).loadV128().addV().set(wa01);
    c.get(wa23).get(wp).loadV128(16).addV().set(wa23);
  });
  c.at(pW, (x) => x.get(m), 32).set(end);
  overWeights(() => {
    c.get(wl01).get(wp).loadV128().addV().set(wl01);
    c.get(wl23).get(wp).loadV128(16).addV().set(wl23);
  });
  // The ally's scores run on from sp (the next ally's, when two go together, from sq), its
  // weights from pW, item by item. Each sum's additions run one after another in item order
  // (its bits are netsBatch's), so one ally's four draws wait on the adder's latency at every
  // item: two allies at a time keep twice as many sums in flight.
  /** Dot products of the allies whose scores run from `ptrs`, into their [acc01, acc23], over items up to `to`. */
  const dot = (to: number, ptrs: number[], accs: [number, number][]) => {
    c.at(pW, (x) => x.get(to), 32).set(end);
    const step = (j: number) => {
      c.get(wp).loadV128(32 * j).set(w01);
      c.get(wp).loadV128(32 * j + 16).set(w23);
      ptrs.forEach((ptr, q) => {
        const [acc01, acc23] = accs[q];
        c.get(ptr).loadSplatF64(8 * j).set(s);
        c.get(acc01).get(w01).get(s).mulV().addV().set(acc01);
        c.get(acc23).get(w23).get(s).mulV().addV().set(acc23);
      });
    };
    const advance = (items: number) => {
      c.get(wp).i32(32 * items).addI32().set(wp);
      for (const ptr of ptrs) c.get(ptr).i32(8 * items).addI32().set(ptr);
    };
    // Two items a step (fewer loop instructions), then the last one.
    c.emit(0x02, 0x40, 0x03, 0x40);
    c.get(wp).i32(64).addI32().get(end).gtI32().emit(0x0d, 1);
    step(0);
    step(1);
    advance(2);
    c.emit(0x0c, 0, 0x0b, 0x0b);
    c.when((x) => x.get(wp).get(end).ltI32(), () => {
      step(0);
      advance(1);
    });
  };
  /** Ally `who`'s side sums (x01, x23 assets; y01, y23 liabilities) to its balance, stored. */
  // Each side's weight sum without the items an ally lacks: one per list of excluded items
  // (exclusionPlan: allies missing the same items share it), the weights of the list taken
  // from the side's sum in the list's order, as the ally's own loop would take them.
  c.get(pExPlan).loadI32(4).set(den);
  c.get(pExPlan).i32(8).addI32().set(wp);
  c.for(e, (x) => x.i32(0), (x) => x.get(pExPlan).loadI32(), () => {
    c.get(wl01).get(wa01).get(wp).loadI32().select().set(d01);
    c.get(wl23).get(wa23).get(wp).loadI32().select().set(d23);
    c.get(wp).loadI32(4).i32(2).shlI32().get(wp).i32(8).addI32().tee(wp).addI32().set(end);
    c.emit(0x02, 0x40, 0x03, 0x40);
    c.get(wp).get(end).geI32().emit(0x0d, 1);
    c.at(pW, (x) => x.get(wp).loadI32(), 32).set(w);
    c.get(d01).get(w).loadV128().subV().set(d01);
    c.get(d23).get(w).loadV128(16).subV().set(d23);
    c.get(wp).i32(4).addI32().set(wp);
    c.emit(0x0c, 0, 0x0b, 0x0b);
    c.get(den).get(e).i32(5).shlI32().addI32().tee(item).get(d01).storeV128();
    c.get(item).i32(16).addI32().get(d23).storeV128();
  });
  const finish = (who: number, x01: number, x23: number, y01: number, y23: number) => {
    // The ally's side sums without its missing items (exOf: byte offsets of its two lists' sums).
    c.get(den).at(pExOf, (y) => y.get(who).i32(1).shlI32(), 4).loadI32().addI32().tee(w).loadV128().set(d01);
    c.get(w).loadV128(16).set(d23);
    c.get(den).at(pExOf, (y) => y.get(who).i32(1).shlI32(), 4).loadI32(4).addI32().tee(w).loadV128().set(e01);
    c.get(w).loadV128(16).set(e23);
    c.get(ba).splat().get(x01).mulV().get(d01).divV().set(x01);
    c.get(ba).splat().get(x23).mulV().get(d23).divV().set(x23);
    c.get(bl).splat().get(y01).mulV().get(e01).divV().set(y01);
    c.get(bl).splat().get(y23).mulV().get(e23).divV().set(y23);
    // Lane j goes to [j * n + who]: lanes 0 and 1 are the two halves of x01/y01, 2 and 3 of x23/y23.
    c.get(who).i32(3).shlI32().set(out);
    for (const [pair, idx] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
      const xs = pair === 0 ? x01 : x23;
      const ys = pair === 0 ? y01 : y23;
      const slot = (base: number) => c.get(base).get(out).addI32();
      slot(pA).get(xs).lane(idx).storeF64();
      slot(pL).get(ys).lane(idx).storeF64();
      slot(pN).get(xs).lane(idx).get(ys).lane(idx).subF64().storeF64();
      c.get(out).get(n).i32(3).shlI32().addI32().set(out);
    }
  };
  c.get(pS).set(sp);
  c.i32(0).set(a);
  // Four allies at a time (the pointers run over their rows, each m items after the last),
  // then two, then the last one.
  const group = (size: number) => {
    const mine = ptrs.slice(0, size), sums = accs.slice(0, size);
    sums.forEach((acc) => zero(...acc));
    mine.forEach((ptr, q) => {
      if (q > 0) c.get(mine[q - 1]).get(m).i32(3).shlI32().addI32().set(ptr);
    });
    c.get(pW).set(wp);
    dot(mA, mine, sums.map(([x01, x23]) => [x01, x23]));
    dot(m, mine, sums.map(([, , y01, y23]) => [y01, y23]));
    sums.forEach(([x01, x23, y01, y23], q) => {
      c.get(a).i32(q).addI32().set(b);
      finish(b, x01, x23, y01, y23);
    });
    c.get(mine[size - 1]).set(sp);
    c.get(a).i32(size).addI32().set(a);
  };
  for (const size of [2]) {
    c.emit(0x02, 0x40, 0x03, 0x40);
    c.get(a).i32(size).addI32().get(n).gtI32().emit(0x0d, 1);
    group(size);
    c.emit(0x0c, 0, 0x0b, 0x0b);
  }
  c.when((x) => x.get(a).get(n).ltI32(), () => group(1));
  return c;
}

/**
 * One step of xoshiro128** (as random.ts) on the state in locals s: u = the next uniform in
 * [0, 1) (result = rotl(s1 * 5, 7) * 9 over 2^32, then the state update); res and t are i32
 * scratch locals.
 */
function nextUniform(c: Code, [s0, s1, s2, s3]: [number, number, number, number], res: number, t: number, u: number): void {
  c.get(s1).i32(5).mulI32().i32(7).rotlI32().i32(9).mulI32().set(res);
  c.get(s1).i32(9).shlI32().set(t);
  c.get(s2).get(s0).xorI32().set(s2);
  c.get(s3).get(s1).xorI32().set(s3);
  c.get(s1).get(s2).xorI32().set(s1);
  c.get(s0).get(s3).xorI32().set(s0);
  c.get(s2).get(t).xorI32().set(s2);
  c.get(s3).i32(11).rotlI32().set(s3);
  c.get(res).fromU32().f64(1 / 4294967296).mulF64().set(u);
}

const NETS1_PARAMS = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64];

/**
 * nets1(n, stride, m, assetItems, pScoresT, pW4, pExStart, pExItem, pAssets, pLiabilities,
 * pNets, balanceAssets, balanceLiabilities): netsInto of score-matrix.ts for one draw whose
 * scores are its own (data and judgment draws). The scores are item-major (pScoresT[item *
 * stride + ally], stride even, padded with 0), so two allies share a vector; each ally's sums
 * still run in item order, so the result has the bits netsInto gives. pAssets, pLiabilities
 * and pNets take n + 1 values (the padding ally is written and ignored). The weights are lane
 * 0 of pW4 (w4[item * 4]).
 */
function nets1(): Code {
  const [n, stride, m, mA, pST, pW, pExs, pExi, pA, pL, pN, ba, bl] = NETS1_PARAMS.map((_, i) => i);
  const c = new Code(NETS1_PARAMS.length);
  const a = c.local(I32), k = c.local(I32), e = c.local(I32), item = c.local(I32), pair = c.local(I32), sp = c.local(I32), row = c.local(I32), addr = c.local(I32);
  const wa = c.local(F64), wl = c.local(F64), da = c.local(F64), dl = c.local(F64), x = c.local(F64), y = c.local(F64);
  const acc = c.local(V128), accL = c.local(V128);
  // The draw's weights are lane 0 of the lane-interleaved w4 (weights4 with one lane).
  const weight = (idx: number) => c.at(pW, (z) => z.get(idx), 32).loadF64();
  // Side weight sums in item order.
  c.f64(0).set(wa).f64(0).set(wl);
  c.for(k, (z) => z.i32(0), (z) => z.get(mA), () => { c.get(wa); weight(k); c.addF64().set(wa); });
  c.for(k, (z) => z.get(mA), (z) => z.get(m), () => { c.get(wl); weight(k); c.addF64().set(wl); });
  c.get(stride).i32(3).shlI32().set(row);
  // Two allies to a vector, four vectors at a time (a sum's additions run one after another in
  // item order: four independent sums keep the adder busy), then a pair at a time. The raw
  // sums go to pAssets and pLiabilities.
  const pairs = c.local(I32), side = c.local(I32), w2 = c.local(V128);
  const acc4 = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  c.get(n).i32(1).addI32().i32(1).shrI32().set(pairs);
  c.i32(0).set(pair);
  c.emit(0x02, 0x40, 0x03, 0x40);
  c.get(pair).i32(4).addI32().get(pairs).gtI32().emit(0x0d, 1);
  c.get(pST).get(pair).i32(4).shlI32().addI32().set(sp);
  for (const [from, to, out] of [[-1, mA, pA], [mA, m, pL]] as const) {
    for (const q of acc4) c.zeroV().set(q);
    c.for(k, (z) => (from < 0 ? z.i32(0) : z.get(from)), (z) => z.get(to), () => {
      weight(k);
      c.splat().set(w2);
      acc4.forEach((q, j) => c.get(q).get(w2).get(sp).loadV128(16 * j).mulV().addV().set(q));
      c.get(sp).get(row).addI32().set(sp);
    });
    c.get(out).get(pair).i32(4).shlI32().addI32().set(side);
    acc4.forEach((q, j) => c.get(side).i32(16 * j).addI32().get(q).storeV128());
  }
  c.get(pair).i32(4).addI32().set(pair);
  c.emit(0x0c, 0, 0x0b, 0x0b);
  c.for(pair, (z) => z.get(pair), (z) => z.get(pairs), () => {
    c.zeroV().set(acc).zeroV().set(accL);
    c.get(pST).get(pair).i32(4).shlI32().addI32().set(sp);
    c.for(k, (z) => z.i32(0), (z) => z.get(mA), () => {
      c.get(acc); weight(k); c.splat().get(sp).loadV128().mulV().addV().set(acc);
      c.get(sp).get(row).addI32().set(sp);
    });
    c.for(k, (z) => z.get(mA), (z) => z.get(m), () => {
      c.get(accL); weight(k); c.splat().get(sp).loadV128().mulV().addV().set(accL);
      c.get(sp).get(row).addI32().set(sp);
    });
    c.get(pA).get(pair).i32(4).shlI32().addI32().get(acc).storeV128();
    c.get(pL).get(pair).i32(4).shlI32().addI32().get(accL).storeV128();
  });
  // Per ally: an excluded item's weight leaves its side, then the balance.
  c.for(a, (z) => z.i32(0), (z) => z.get(n), () => {
    c.get(wa).set(da).get(wl).set(dl);
    c.for(e, (z) => z.at(pExs, (q) => q.get(a), 4).loadI32(), (z) => z.at(pExs, (q) => q.get(a).i32(1).addI32(), 4).loadI32(), () => {
      c.at(pExi, (z) => z.get(e), 4).loadI32().set(item);
      c.when((z) => z.get(item).get(mA).ltI32(), () => {
        c.get(da); weight(item); c.subF64().set(da);
      }, () => {
        c.get(dl); weight(item); c.subF64().set(dl);
      });
    });
    c.get(ba).at(pA, (z) => z.get(a), 8).tee(addr).loadF64().mulF64().get(da).divF64().set(x);
    c.get(addr).get(x).storeF64();
    c.get(bl).at(pL, (z) => z.get(a), 8).tee(addr).loadF64().mulF64().get(dl).divF64().set(y);
    c.get(addr).get(y).storeF64();
    c.at(pN, (z) => z.get(a), 8).get(x).get(y).subF64().storeF64();
  });
  return c;
}

/** Byte offsets of an item's redraw descriptor (redraw.ts writes it, redrawItem reads it). */
export const ITEM = {
  k: 0, how: 4, invert: 12, tri: 16, drawnRaw: 20, drawn: 24, rangedSlot: 28, liveSlot: 32, liveCol: 36, live: 40, deadSlot: 44, dead: 48,
  scaled: 52, cols: 56, count: 60, lo: 64, hi: 72, fixedMin: 80, fixedMax: 88, lastLo: 96, lastHi: 104, uniforms: 112, ok: 116, deadDone: 120, triT: 124, liveScaled: 128, rangedLive: 132, scale: 136,
  fixedSorted: 140, drawnSorted: 144, drawnPos: 148, fixed: 152, winsorLow: 160, winsorHigh: 168, bytes: 176,
} as const;

/** ITEM.how: an affine item, a min-max item, a winsorized min-max item, or one whose uniforms the kernel only draws (JavaScript applies them). */
export const HOW = { affine: 0, minmax: 1, uniforms: 2, winsorized: 3 } as const;

const REDRAW_PARAMS = [I32, I32, I32, I32, I32, I32, I32, I32];

/** finishItem's modes: affine, min-max with the bounds from the values, min-max with given bounds. */
export const FINISH = { affine: 0, minmax: 1, bounds: 2 } as const;

/**
 * redrawItem(pItem, pState, pValues, pCounts, pCellOf, pBin, pSince, now) -> 1, or 0 when a
 * drawn value is not a number (the caller then takes the general path with the values left
 * at the descriptor's drawnRaw): applyUniforms of redraw.ts for an affine or min-max item on
 * a linear scale, its uniforms drawn from the xoshiro128** state at pState, then finishItem.
 * For ITEM.how = HOW.uniforms it only draws the item's uniforms into ITEM.uniforms
 * (JavaScript applies them: log scales, winsorizing, the general path).
 */
function redrawItem(finishIndex: number, log10Index: number): Code {
  const [pItem, pState, pValues, pCounts, pCellOf, pBin, pSince, now] = REDRAW_PARAMS.map((_, i) => i);
  const c = new Code(REDRAW_PARAMS.length);
  const k = c.local(I32), how = c.local(I32), pTri = c.local(I32), pRaw = c.local(I32), pDrawn = c.local(I32), pOut = c.local(I32);
  const r = c.local(I32), o = c.local(I32), s0 = c.local(I32), s1 = c.local(I32), s2 = c.local(I32), s3 = c.local(I32), res = c.local(I32), t = c.local(I32), defined = c.local(I32);
  const u = c.local(F64), v = c.local(F64), root = c.local(F64), below = c.local(I32);
  const field = (off: number) => c.get(pItem).loadI32(off);
  field(ITEM.k).set(k);
  field(ITEM.how).set(how);
  field(ITEM.tri).set(pTri);
  field(ITEM.drawnRaw).set(pRaw);
  field(ITEM.drawn).set(pDrawn);
  [s0, s1, s2, s3].forEach((l, w) => c.get(pState).loadI32(4 * w).set(l));
  const saveState = () => [s0, s1, s2, s3].forEach((l, w) => c.get(pState).i32(4 * w).addI32().get(l).storeI32());
  const uniform = () => nextUniform(c, [s0, s1, s2, s3], res, t, u);
  // The uniforms first (the stream in column order), then the triangular draws from them.
  field(ITEM.uniforms).set(pOut);
  c.for(r, (z) => z.i32(0), (z) => z.get(k), () => {
    uniform();
    c.at(pOut, (z) => z.get(r), 8).get(u).storeF64();
  });
  saveState();
  c.when((z) => z.get(how).i32(HOW.uniforms).eqI32(), () => c.i32(1).ret());
  c.i32(1).set(defined);
  // Two draws to a vector: ITEM.triT holds the triangular parameters by pairs of values, each
  // parameter's two lanes together (TRI vectors a pair). Both sides' arguments are computed and
  // one kept by lane, as the scalar loop below does, so the bits are its bits.
  const simd = (op: number) => c.emit(0xfd, ...uleb(op));
  const pTT = c.local(I32), pq = c.local(I32), uV = c.local(V128), mV = c.local(V128), spanV = c.local(V128), rootV = c.local(V128), vV = c.local(V128);
  field(ITEM.triT).set(pTT);
  c.i32(0).set(r);
  c.emit(0x02, 0x40, 0x03, 0x40);
  c.get(r).i32(2).addI32().get(k).gtI32().emit(0x0d, 1);
  c.at(pOut, (z) => z.get(r), 8).loadV128().set(uV);
  c.get(pTT).get(r).i32(48).mulI32().addI32().set(pq);
  c.get(uV).get(pq).loadV128(0);
  simd(0x49); // f64x2.lt: below the split
  c.set(mV);
  c.get(pq).loadV128(32).set(spanV);
  c.get(uV).get(spanV).mulV().get(pq).loadV128(48).mulV();
  c.f64(1).splat().get(uV).subV().get(spanV).mulV().get(pq).loadV128(80).mulV();
  c.get(mV);
  simd(0x52); // v128.bitselect
  simd(0xef); // f64x2.sqrt
  c.set(rootV);
  c.get(pq).loadV128(16).get(rootV).addV();
  c.get(pq).loadV128(64).get(rootV).subV();
  c.get(mV);
  simd(0x52);
  c.set(vV);
  c.at(pRaw, (z) => z.get(r), 8).get(vV).storeV128();
  c.at(pDrawn, (z) => z.get(r), 8).get(vV).storeV128();
  c.get(vV).get(vV);
  simd(0x47); // f64x2.eq: both numbers
  simd(0xc4); // i64x2.bitmask
  c.i32(3).eqI32().get(defined).emit(0x71).set(defined);
  c.get(r).i32(2).addI32().set(r);
  c.emit(0x0c, 0, 0x0b, 0x0b);
  // The last draw when k is odd.
  c.for(r, (z) => z.get(r), (z) => z.get(k), () => {
    c.at(pOut, (z) => z.get(r), 8).loadF64().set(u);
    // Triangular: split, low, span, below, high, above (redraw.ts, TRI)
    c.get(pTri).get(r).i32(48).mulI32().addI32().set(o);
    // Both sides' arguments computed, one kept, then one square root (the divider and square
    // root unit is the bottleneck): selects cost less than a branch taken at random, and the
    // kept side runs exactly the operations of its branch in redraw.ts, so the bits agree.
    c.get(u).get(o).loadF64().ltF64().set(below);
    c.get(u).get(o).loadF64(16).mulF64().get(o).loadF64(24).mulF64();
    c.f64(1).get(u).subF64().get(o).loadF64(16).mulF64().get(o).loadF64(40).mulF64();
    c.get(below).select().sqrtF64().set(root);
    c.get(o).loadF64(8).get(root).addF64();
    c.get(o).loadF64(32).get(root).subF64();
    c.get(below).select().set(v);
    // A linear scale: the drawn value is what is normalized.
    c.at(pRaw, (z) => z.get(r), 8).get(v).storeF64();
    c.at(pDrawn, (z) => z.get(r), 8).get(v).storeF64();
    c.get(defined).get(v).get(v).eqF64().emit(0x71).set(defined);
  });
  // A log scale: the drawn value's logarithm is what is normalized (as redraw.ts's drawScaled:
  // log10(v) for v > 0, log10(1 + v) for v > -1, else not a number).
  const scale = c.local(I32);
  field(ITEM.scale).set(scale);
  c.when((z) => z.get(scale), () => {
    c.for(r, (z) => z.i32(0), (z) => z.get(k), () => {
      c.at(pRaw, (z) => z.get(r), 8).loadF64().set(v);
      c.when((z) => z.get(scale).i32(1).eqI32(), () => {
        c.when((z) => z.get(v).f64(0).gtF64(), () => c.get(v).call(log10Index).set(root), () => c.f64(Number.NaN).set(root));
      }, () => {
        c.when((z) => z.get(v).f64(-1).gtF64(), () => c.f64(1).get(v).addF64().call(log10Index).set(root), () => c.f64(Number.NaN).set(root));
      });
      c.at(pDrawn, (z) => z.get(r), 8).get(root).storeF64();
      c.get(defined).get(root).get(root).eqF64().emit(0x71).set(defined);
    });
  });
  c.when((z) => z.get(defined).emit(0x45), () => {
    c.get(pItem).f64(Number.NaN).storeF64(ITEM.lastLo);
    c.i32(0).ret();
  });
  c.when((z) => z.get(how).i32(HOW.winsorized).eqI32(), () => {
    // Winsorized: the bounds are two quantiles of all values, the fixed ones (sorted once)
    // merged with the drawn ones, as redraw.ts's placeDrawn and mergedQuantile find them.
    const pS = c.local(I32), pPos = c.local(I32), pFixed = c.local(I32), nFixed = c.local(I32), j = c.local(I32), a = c.local(I32), b = c.local(I32), mid = c.local(I32);
    const count = c.local(I32), at = c.local(I32), before = c.local(I32), loI = c.local(I32), hiI = c.local(I32);
    const h = c.local(F64), fl = c.local(F64), qa = c.local(F64), qLo = c.local(F64);
    field(ITEM.drawnSorted).set(pS);
    field(ITEM.drawnPos).set(pPos);
    field(ITEM.fixedSorted).set(pFixed);
    field(ITEM.fixed).set(nFixed);
    // Insertion sort of the drawn values.
    c.for(r, (z) => z.i32(0), (z) => z.get(k), () => {
      c.at(pDrawn, (z) => z.get(r), 8).loadF64().set(v);
      c.get(r).i32(1).subI32().set(j);
      c.emit(0x02, 0x40, 0x03, 0x40);
      c.get(j).i32(0).ltI32().emit(0x0d, 1);
      c.at(pS, (z) => z.get(j), 8).loadF64().set(u);
      c.get(u).get(v).gtF64().emit(0x45).emit(0x0d, 1);
      c.at(pS, (z) => z.get(j).i32(1).addI32(), 8).get(u).storeF64();
      c.get(j).i32(1).subI32().set(j);
      c.emit(0x0c, 0, 0x0b, 0x0b);
      c.at(pS, (z) => z.get(j).i32(1).addI32(), 8).get(v).storeF64();
    });
    // Each one's place among all values: its index plus the fixed values below it.
    c.for(r, (z) => z.i32(0), (z) => z.get(k), () => {
      c.at(pS, (z) => z.get(r), 8).loadF64().set(v);
      c.i32(0).set(a).get(nFixed).set(b);
      c.emit(0x02, 0x40, 0x03, 0x40);
      c.get(a).get(b).geI32().emit(0x0d, 1);
      c.get(a).get(b).addI32().i32(1).emit(0x75).set(mid);
      c.when((z) => z.at(pFixed, (q) => q.get(mid), 8).loadF64().get(v).ltF64(), () => c.get(mid).i32(1).addI32().set(a), () => c.get(mid).set(b));
      c.emit(0x0c, 0, 0x0b, 0x0b);
      c.at(pPos, (z) => z.get(r), 4).get(r).get(a).addI32().storeI32();
    });
    /** The value at place `at` (a local) of all values sorted, into local `into` (mergedAt). */
    const mergedAt = (into: number) => {
      c.i32(0).set(before);
      c.i32(-1).set(j);
      c.for(r, (z) => z.i32(0), (z) => z.get(k), () => {
        c.at(pPos, (z) => z.get(r), 4).loadI32().set(a);
        c.when((z) => z.get(a).get(at).eqI32(), () => {
          c.get(r).set(j);
          c.get(k).set(r);
        }, () => {
          c.when((z) => z.get(a).get(at).ltI32(), () => c.get(before).i32(1).addI32().set(before));
        });
      });
      c.when((z) => z.get(j).i32(0).geI32(), () => c.at(pS, (z) => z.get(j), 8).loadF64().set(into), () => {
        c.at(pFixed, (z) => z.get(at).get(before).subI32(), 8).loadF64().set(into);
      });
    };
    field(ITEM.count).set(count);
    for (const [q, into] of [[ITEM.winsorLow, qLo], [ITEM.winsorHigh, root]] as const) {
      // mergedQuantile: a + (h - lo) * (next - a), h = (count - 1) * q.
      c.when((z) => z.get(count).i32(1).eqI32(), () => {
        c.i32(0).set(at);
        mergedAt(into);
      }, () => {
        c.get(count).i32(1).subI32().fromI32().get(pItem).loadF64(q).mulF64().tee(h).floorF64().tee(fl).truncF64().set(loI);
        c.get(loI).i32(1).addI32().set(hiI);
        c.get(count).i32(1).subI32().get(hiI).get(hiI).get(count).i32(1).subI32().gtI32().select().set(hiI);
        c.get(loI).set(at);
        mergedAt(qa);
        c.get(hiI).set(at);
        mergedAt(into);
        c.get(qa).get(h).get(fl).subF64().get(into).get(qa).subF64().mulF64().addF64().set(into);
      });
    }
    c.get(pItem).i32(FINISH.bounds).get(qLo).get(root).get(pValues).get(pCounts).get(pCellOf).get(pBin).get(pSince).get(now).call(finishIndex);
    c.i32(1).ret();
  });
  c.get(pItem).get(how).f64(0).f64(0).get(pValues).get(pCounts).get(pCellOf).get(pBin).get(pSince).get(now).call(finishIndex);
  c.i32(1);
  return c;
}

/**
 * log10(x) -> f64: Math.log10 bit for bit. V8's Math.log10 is fdlibm's (FreeBSD msun, as
 * adapted in V8's src/base/ieee754.cc): log10(x) = n * log10_2hi + (n * log10_2lo + ivln10 *
 * log(x / 2^n)), with fdlibm's log of the reduced x in [1, 2) inlined. The same operations in
 * the same order, so the same bits (checked against Math.log10 in test/method/redraw.test.ts).
 */
function log10(): Code {
  const X = 0;
  const c = new Code(1);
  const bits = c.local(I64), hx = c.local(I32), lx = c.local(I32), k = c.local(I32), i = c.local(I32), j = c.local(I32);
  const x = c.local(F64), y = c.local(F64), f = c.local(F64), s = c.local(F64), z = c.local(F64), w = c.local(F64), R = c.local(F64), dk = c.local(F64), hfsq = c.local(F64);
  const words = () => {
    c.get(x).emit(0xbd).tee(bits).i64(32).emit(0x88).emit(0xa7).set(hx); // i64.reinterpret_f64, i64.shr_u, i32.wrap_i64
    c.get(bits).emit(0xa7).set(lx);
  };
  /** x = the double of high word hx and low word lx. */
  const compose = () => {
    c.get(hx).emit(0xad).i64(32).emit(0x86).get(lx).emit(0xad).emit(0x84).emit(0xbf).set(x); // extend_u, shl, or, f64.reinterpret_i64
  };
  c.get(X).set(x);
  words();
  c.i32(0).set(k);
  c.when((q) => q.get(hx).i32(0x00100000).ltI32(), () => {
    c.when((q) => q.get(hx).i32(0x7fffffff).emit(0x71).get(lx).emit(0x72).emit(0x45), () => c.f64(-Infinity).ret());
    c.when((q) => q.get(hx).i32(0).ltI32(), () => c.f64(Number.NaN).ret());
    c.i32(-54).set(k);
    c.get(x).f64(1.80143985094819840000e+16).mulF64().set(x);
    words();
  });
  c.when((q) => q.get(hx).i32(0x7ff00000).geI32(), () => c.get(x).get(x).addF64().ret());
  c.when((q) => q.get(hx).i32(0x3ff00000).eqI32().get(lx).emit(0x45).emit(0x71), () => c.f64(0).ret());
  c.get(k).get(hx).i32(20).emit(0x75).i32(1023).subI32().addI32().set(k); // i32.shr_s
  c.get(k).i32(31).shrI32().set(i);
  c.get(hx).i32(0x000fffff).emit(0x71).i32(0x3ff).get(i).subI32().i32(20).shlI32().emit(0x72).set(hx);
  c.get(k).get(i).addI32().fromI32().set(y);
  compose();
  // log(x), x normal and finite (its exponent is 0 or -1 here).
  words();
  c.get(hx).i32(20).emit(0x75).i32(1023).subI32().set(k);
  c.get(hx).i32(0x000fffff).emit(0x71).set(hx);
  c.get(hx).i32(0x95f64).addI32().i32(0x100000).emit(0x71).set(i);
  c.get(hx).set(j);
  c.get(hx).get(i).i32(0x3ff00000).xorI32().emit(0x72).set(hx);
  compose();
  c.get(j).set(hx);
  c.get(k).get(i).i32(20).emit(0x75).addI32().set(k);
  c.get(x).f64(1).subF64().set(f);
  const ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10;
  /** The result r (pushed by `log`) taken to base 10: z = y * log10_2lo + ivln10 * r; z + y * log10_2hi. */
  const done = (log: () => void) => {
    c.get(y).f64(3.69423907715893078616e-13).mulF64().f64(4.34294481903251816668e-01);
    log();
    c.mulF64().addF64().get(y).f64(3.01029995663611771306e-01).mulF64().addF64().ret();
  };
  c.get(k).fromI32().set(dk);
  c.when((q) => q.i32(0x000fffff).i32(2).get(hx).addI32().emit(0x71).i32(3).ltI32(), () => {
    c.when((q) => q.get(f).f64(0).eqF64(), () => {
      c.when((q) => q.get(k).emit(0x45), () => done(() => c.f64(0)));
      done(() => c.get(dk).f64(ln2Hi).mulF64().get(dk).f64(ln2Lo).mulF64().addF64());
    });
    c.get(f).get(f).mulF64().f64(0.5).f64(0.3333333333333333).get(f).mulF64().subF64().mulF64().set(R);
    c.when((q) => q.get(k).emit(0x45), () => done(() => c.get(f).get(R).subF64()));
    done(() => c.get(dk).f64(ln2Hi).mulF64().get(R).get(dk).f64(ln2Lo).mulF64().subF64().get(f).subF64().subF64());
  });
  c.get(f).f64(2).get(f).addF64().divF64().set(s);
  c.get(s).get(s).mulF64().set(z);
  c.get(hx).i32(0x6147a).subI32().set(i);
  c.get(z).get(z).mulF64().set(w);
  c.i32(0x6b851).get(hx).subI32().set(j);
  const [Lg1, Lg2, Lg3, Lg4, Lg5, Lg6, Lg7] = [6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01, 2.222219843214978396e-01,
    1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01];
  // t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7))); t1 = w * (Lg2 + w * (Lg4 + w * Lg6)); R = t2 + t1
  c.get(z).f64(Lg1).get(w).f64(Lg3).get(w).f64(Lg5).get(w).f64(Lg7).mulF64().addF64().mulF64().addF64().mulF64().addF64().mulF64();
  c.get(w).f64(Lg2).get(w).f64(Lg4).get(w).f64(Lg6).mulF64().addF64().mulF64().addF64().mulF64();
  c.addF64().set(R);
  c.when((q) => q.get(i).get(j).emit(0x72).i32(0).gtI32(), () => {
    c.f64(0.5).get(f).mulF64().get(f).mulF64().set(hfsq);
    c.when((q) => q.get(k).emit(0x45), () => done(() => c.get(f).get(hfsq).get(s).get(hfsq).get(R).addF64().mulF64().subF64().subF64()));
    done(() => c.get(dk).f64(ln2Hi).mulF64().get(hfsq).get(s).get(hfsq).get(R).addF64().mulF64().get(dk).f64(ln2Lo).mulF64().addF64().subF64().get(f).subF64().subF64());
  });
  c.when((q) => q.get(k).emit(0x45), () => done(() => c.get(f).get(s).get(f).get(R).subF64().mulF64().subF64()));
  done(() => c.get(dk).f64(ln2Hi).mulF64().get(s).get(f).get(R).subF64().mulF64().get(dk).f64(ln2Lo).mulF64().subF64().get(f).subF64().subF64());
  c.f64(0);
  return c;
}

const FINISH_PARAMS = [I32, I32, F64, F64, I32, I32, I32, I32, I32, I32];

/**
 * finishItem(pItem, mode, lo, hi, pValues, pCounts, pCellOf, pBin, pSince, now): the scores of
 * an item whose drawn values (on its scale) are at ITEM.drawn, as redraw.ts's affine and
 * extremes write them, each through put() (histogram runs when pCounts is not 0). Modes
 * (FINISH): affine; min-max with the bounds from the fixed and drawn values; min-max with
 * the bounds lo and hi (winsorized, computed by the caller).
 */
function finishItem(): Code {
  const [pItem, mode, loP, hiP, pValues, pCounts, pCellOf, pBin, pSince, now] = FINISH_PARAMS.map((_, i) => i);
  const c = new Code(FINISH_PARAMS.length);
  const k = c.local(I32), invert = c.local(I32), pDrawn = c.local(I32), r = c.local(I32), i = c.local(I32);
  const slot = c.local(I32), b = c.local(I32), was = c.local(I32), addr = c.local(I32), pSlot = c.local(I32), pCol = c.local(I32), pScaled = c.local(I32), flat = c.local(I32);
  const sv = c.local(F64), lo = c.local(F64), hi = c.local(F64), range = c.local(F64), x = c.local(F64), t2 = c.local(F64), fl = c.local(F64);
  const changed = c.local(I32), since = c.local(I32), sinceAt = c.local(I32);
  const hiV = c.local(V128), rawV = c.local(V128);
  const loV = c.local(V128), rangeV = c.local(V128), xV = c.local(V128), t2V = c.local(V128), flV = c.local(V128), badV = c.local(V128), bV = c.local(V128);
  const field = (off: number) => c.get(pItem).loadI32(off);
  field(ITEM.k).set(k);
  field(ITEM.invert).set(invert);
  field(ITEM.drawn).set(pDrawn);
  /** The histogram run of slot `slot`, whose new bin is in b (see put). */
  const run = () => {
    // A run ends when the bin changes: its draws go to the bin it leaves. Branch-free (the
    // change is as good as random): an unchanged bin adds 0 and keeps its start.
    c.at(pBin, (z) => z.get(slot), 4).tee(addr).loadI32().set(was);
    c.get(addr).get(b).storeI32();
    c.get(b).get(was).neI32().set(changed);
    c.at(pSince, (z) => z.get(slot), 4).tee(sinceAt).loadI32().set(since);
    c.get(sinceAt).get(now).get(since).get(changed).select().storeI32();
    // The counts are u16 (one chunk's; the caller folds them).
    c.get(pCounts).at(pCellOf, (z) => z.get(slot), 4).loadI32().i32(200).mulI32().get(was).addI32().i32(1).shlI32().addI32().tee(addr);
    c.get(addr).loadU16().get(now).get(since).subI32().i32(0).get(changed).select().addI32().storeI16();
  };
  /**
   * The draw of slot `slot`, whose bin is in b, counted directly: the drawn scores of an affine
   * item are written in every draw (redraw.ts's ScoreOut.direct), so they keep no runs.
   */
  const direct = () => {
    c.get(pCounts).at(pCellOf, (z) => z.get(slot), 4).loadI32().i32(200).mulI32().get(b).addI32().i32(1).shlI32().addI32().tee(addr);
    c.get(addr).loadU16().i32(1).addI32().storeI16();
  };
  /** The bin of score x into b, as redraw.ts's binOf. */
  const binOf = () => {
    // bin = floor(x / 100 * 200). x is in [0, 100], so x * 2 is exact and x / 100 * 200 is
    // within 4.5e-14 of it: their floors differ only when x * 2 lies within that of a whole
    // number, where the division runs (rarely: no division else).
    c.get(x).f64(2).mulF64().tee(t2).floorF64().set(fl);
    c.get(t2).get(fl).subF64().set(t2);
    c.when((z) => z.get(t2).f64(1e-12).ltF64().get(t2).f64(1 - 1e-12).gtF64().emit(0x72), () => {
      c.get(x).f64(100).divF64().f64(200).mulF64().floorF64().set(fl);
    });
    c.get(fl).truncF64().set(b);
    c.i32(0).get(b).get(b).i32(0).ltI32().select().set(b);
    c.i32(199).get(b).get(b).i32(199).gtI32().select().set(b);
  };
  /** put(slot, x): the score, and its histogram run (or its draw, `counted` direct). */
  const put = (counted = run) => {
    c.get(pValues).get(slot).i32(3).shlI32().addI32().get(x).storeF64();
    c.when((z) => z.get(pCounts), () => {
      binOf();
      counted();
    });
  };
  const inverted = () => c.when((z) => z.get(invert), () => c.f64(100).get(x).subF64().set(x));
  const drawn = (z: Code) => z.at(pDrawn, (q) => q.get(r), 8).loadF64();
  const simd = (op: number) => c.emit(0xfd, ...uleb(op));
  /**
   * Scores two to a vector (the same operations lane by lane as the scalar code, so the same
   * bits), their bins too, then each written and counted as put() does: for idx from 0 by
   * twos while two remain. `raw` pushes the pair's values (idx is the index), `score` turns
   * rawV into the scores; slots from the i32 array at local pSlot (negative: not ranked).
   */
  const vectorPuts = (idx: number, count: (z: Code) => void, raw: () => void, score: () => void, counted = run) => {
    c.i32(0).set(idx);
    c.emit(0x02, 0x40, 0x03, 0x40);
    c.get(idx).i32(2).addI32();
    count(c);
    c.gtI32().emit(0x0d, 1);
    raw();
    c.set(rawV);
    score();
    c.set(xV);
    c.when((z) => z.get(invert), () => c.f64(100).splat().get(xV).subV().set(xV));
    // Bins as put() computes them, lane by lane (only when histograms are kept).
    c.when((z) => z.get(pCounts), () => {
    c.get(xV).f64(2).splat().mulV().tee(t2V);
    simd(0x75); // f64x2.floor
    c.set(flV);
    c.get(t2V).get(flV).subV().set(t2V);
    c.get(t2V).f64(1e-12).splat();
    simd(0x49); // f64x2.lt
    c.get(t2V).f64(1 - 1e-12).splat();
    simd(0x4a); // f64x2.gt
    simd(0x50); // v128.or
    c.tee(badV);
    simd(0x53); // v128.any_true
    c.when(() => undefined, () => {
      c.get(xV).f64(100).splat().divV().f64(200).splat().mulV();
      simd(0x75);
      c.get(flV).get(badV);
      simd(0x52); // v128.bitselect
      c.set(flV);
    });
    c.get(flV);
    simd(0xfc); // i32x4.trunc_sat_f64x2_s_zero
    c.zeroV();
    simd(0xb8); // i32x4.max_s
    c.i32(199).emit(0xfd, 0x11);
    simd(0xb6); // i32x4.min_s
    c.set(bV);
    });
    for (const j of [0, 1]) {
      c.at(pSlot, (z) => z.get(idx), 4).loadI32(4 * j).set(slot);
      c.when((z) => z.get(slot).i32(0).geI32(), () => {
        c.get(pValues).get(slot).i32(3).shlI32().addI32().get(xV).lane(j).storeF64();
        c.when((z) => z.get(pCounts), () => {
          c.get(bV).emit(0xfd, 0x1b, j).set(b);
          counted();
        });
      });
    }
    c.get(idx).i32(2).addI32().set(idx);
    c.emit(0x0c, 0, 0x0b, 0x0b);
  };
  /** Min-max scores of rawV: ((min(hi, max(lo, raw)) - lo) / range) * 100 (not flat). */
  const minmaxV = () => {
    c.get(hiV).get(loV).get(rawV);
    simd(0xf5); // f64x2.max
    simd(0xf4); // f64x2.min
    c.get(loV).subV().get(rangeV).divV().f64(100).splat().mulV();
  };
  c.when((z) => z.get(mode).i32(FINISH.affine).eqI32(), () => {
    // Affine: only the drawn allies' scores.
    c.get(pItem).loadF64(ITEM.lo).set(lo);
    c.get(pItem).loadF64(ITEM.hi).get(lo).subF64().set(range);
    field(ITEM.rangedSlot).set(pSlot);
    // Two scores to a vector, then the last one when k is odd.
    c.get(lo).splat().set(loV);
    c.get(range).splat().set(rangeV);
    vectorPuts(r, (z) => z.get(k), () => c.at(pDrawn, (q) => q.get(r), 8).loadV128(), () => {
      c.f64(100).splat().f64(0).splat().get(rawV).get(loV).subV().get(rangeV).divV().f64(100).splat().mulV();
      simd(0xf5); // f64x2.max
      simd(0xf4); // f64x2.min
    }, direct);
    c.for(r, (z) => z.get(r), (z) => z.get(k), () => {
      c.at(pSlot, (z) => z.get(r), 4).loadI32().set(slot);
      c.when((z) => z.get(slot).i32(0).geI32(), () => {
        c.f64(100).f64(0);
        drawn(c);
        c.get(lo).subF64().get(range).divF64().f64(100).mulF64().maxF64().minF64().set(x);
        inverted();
        put(direct);
      });
    });
    c.ret();
  });
  // Min-max.
  c.when(() => field(ITEM.count).emit(0x45), () => c.ret());
  c.when((z) => z.get(mode).i32(FINISH.bounds).eqI32(), () => {
    c.get(loP).set(lo).get(hiP).set(hi);
  }, () => {
    c.get(pItem).loadF64(ITEM.fixedMin).set(lo);
    c.get(pItem).loadF64(ITEM.fixedMax).set(hi);
    c.for(r, (z) => z.i32(0), (z) => z.get(k), () => {
      drawn(c);
      c.set(sv);
      c.when((z) => z.get(sv).get(lo).ltF64(), () => c.get(sv).set(lo));
      c.when((z) => z.get(sv).get(hi).gtF64(), () => c.get(sv).set(hi));
    });
  });
  c.get(hi).get(lo).subF64().set(range);
  // flat = !(range > 1e-12 * max(1, |hi|))
  c.get(range).f64(1e-12).f64(1).get(hi).absF64().maxF64().mulF64().gtF64().emit(0x45).set(flat);
  c.get(lo).splat().set(loV).get(hi).splat().set(hiV).get(range).splat().set(rangeV);
  const score = (value: (z: Code) => void) => {
    c.when((z) => z.get(flat), () => c.f64(50).set(x), () => {
      c.get(hi).get(lo);
      value(c);
      c.maxF64().minF64().get(lo).subF64().get(range).divF64().f64(100).mulF64().set(x);
    });
    inverted();
    put();
  };
  c.when((z) => z.get(lo).get(pItem).loadF64(ITEM.lastLo).eqF64().get(hi).get(pItem).loadF64(ITEM.lastHi).eqF64().emit(0x71), () => {
    field(ITEM.rangedSlot).set(pSlot);
    c.i32(0).set(r);
    c.when((z) => z.get(flat).emit(0x45), () => vectorPuts(r, (z) => z.get(k), () => c.at(pDrawn, (q) => q.get(r), 8).loadV128(), minmaxV));
    c.for(r, (z) => z.get(r), (z) => z.get(k), () => {
      c.at(pSlot, (z) => z.get(r), 4).loadI32().set(slot);
      c.when((z) => z.get(slot).i32(0).geI32(), () => score(drawn));
    });
    c.ret();
  });
  c.get(pItem).get(lo).storeF64(ITEM.lastLo);
  c.get(pItem).get(hi).storeF64(ITEM.lastHi);
  // ITEM.liveScaled: the live allies' values on the scale, in liveSlot's order; the drawn
  // ones go to their places (ITEM.rangedLive, -1 for an ally not ranked).
  field(ITEM.liveScaled).set(pScaled);
  field(ITEM.rangedLive).set(pCol);
  c.for(r, (z) => z.i32(0), (z) => z.get(k), () => {
    c.at(pCol, (q) => q.get(r), 4).loadI32().set(slot);
    c.when((z) => z.get(slot).i32(0).geI32(), () => {
      c.at(pScaled, (z) => z.get(slot), 8);
      drawn(c);
      c.storeF64();
    });
  });
  // Two to a vector, each pair read by two scalar loads (a vector load right after scalar
  // stores to the same bytes would wait for them), then the last one when live is odd (or
  // all of them, one at a time, when the item is flat).
  field(ITEM.liveSlot).set(pSlot);
  c.i32(0).set(i);
  c.when((z) => z.get(flat).emit(0x45), () => vectorPuts(i, () => field(ITEM.live), () => {
    c.at(pScaled, (q) => q.get(i), 8).loadF64().splat();
    c.at(pScaled, (q) => q.get(i).i32(1).addI32(), 8).loadF64();
    c.emit(0xfd, 0x22, 1); // f64x2.replace_lane 1
  }, minmaxV));
  c.for(i, (z) => z.get(i), () => field(ITEM.live), () => {
    c.at(pSlot, (z) => z.get(i), 4).loadI32().set(slot);
    score((z) => z.at(pScaled, (q) => q.get(i), 8).loadF64());
  });
  // The allies without a value score 0: once written in a chunk (and after the general path,
  // which writes them too) they hold 0 in bin 0, where writing 0 again changes nothing.
  c.when(() => field(ITEM.deadDone).emit(0x45), () => {
    field(ITEM.deadSlot).set(pSlot);
    c.for(i, (z) => z.i32(0), () => field(ITEM.dead), () => {
      c.at(pSlot, (z) => z.get(i), 4).loadI32().set(slot);
      c.f64(0).set(x);
      put();
    });
    c.get(pItem).i32(1).emit(0x36, 2, ...uleb(ITEM.deadDone));
  });
  return c;
}

const REDRAW_ALL_PARAMS = [I32, I32, I32, I32, I32, I32, I32, I32, I32];

/**
 * redrawAll(pList, items, pState, pValues, pCounts, pCellOf, pBin, pSince, now) -> the number
 * of items that need the general path: redrawItem for each descriptor in pList (i32
 * pointers, in the stream's order), its result stored at the descriptor's ok.
 */
function redrawAll(redrawItemIndex: number): Code {
  const [pList, items, pState, pValues, pCounts, pCellOf, pBin, pSince, now] = REDRAW_ALL_PARAMS.map((_, i) => i);
  const c = new Code(REDRAW_ALL_PARAMS.length);
  const i = c.local(I32), item = c.local(I32), ok = c.local(I32), failed = c.local(I32);
  c.i32(0).set(failed);
  c.for(i, (z) => z.i32(0), (z) => z.get(items), () => {
    c.at(pList, (z) => z.get(i), 4).loadI32().set(item);
    c.get(item).get(pState).get(pValues).get(pCounts).get(pCellOf).get(pBin).get(pSince).get(now).call(redrawItemIndex).set(ok);
    c.get(item).i32(ITEM.ok).addI32().get(ok).storeI32();
    c.get(failed).i32(1).get(ok).subI32().addI32().set(failed);
  });
  c.get(failed);
  return c;
}

const WEIGHTS4_PARAMS = [I32, I32, I32, I32, I32, I32, I32, F64, F64, I32];

/** The constants of the log-uniform formula (draws.ts: logUniform). */
export interface LogUniformConstants {
  steps: number;
  c2: number;
  c3: number;
  c4: number;
  c5: number;
}

/**
 * weights4(lanes, kind, m, pW0, pTable, pState, pW4, low, span, width): the weights of four
 * draws, lane-interleaved, as drawWeights in draws.ts makes them: kind 0 fixed (the defaults),
 * 1 log-uniform multipliers (span = the table's step), 2 uniform multipliers in
 * [low, low + span]. Lanes from `lanes` to `width` get the defaults (nets4 reads four lanes;
 * nets1 only lane 0, so a data draw passes width 1). The xoshiro128** state lives at pState
 * and is advanced exactly as random.ts advances it.
 */
function weights4(k: LogUniformConstants): Code {
  const [lanes, kind, m, pW0, pTable, pState, pW4, low, span, width] = WEIGHTS4_PARAMS.map((_, i) => i);
  const c = new Code(WEIGHTS4_PARAMS.length);
  const j = c.local(I32), item = c.local(I32), s0 = c.local(I32), s1 = c.local(I32), s2 = c.local(I32), s3 = c.local(I32);
  const t = c.local(I32), idx = c.local(I32), res = c.local(I32);
  const u = c.local(F64), x = c.local(F64), tt = c.local(F64), mult = c.local(F64);
  const word = (local: number, i: number, store: boolean) => {
    if (store) c.get(pState).i32(4 * i).addI32().get(local).storeI32();
    else c.get(pState).i32(4 * i).addI32().loadI32().set(local);
  };
  /** mult = the log-uniform multiplier of the uniform u: table[idx] * (1 + tt * (1 + tt * (c2 + tt * (c3 + tt * (c4 + tt * c5))))). */
  const logMultiplier = () => {
    c.get(u).f64(k.steps).mulF64().tee(x).truncF64().set(idx);
    c.get(x).get(idx).fromI32().subF64().get(span).mulF64().set(tt);
    c.at(pTable, (y) => y.get(idx), 8).loadF64();
    c.f64(1).get(tt);
    c.f64(1).get(tt);
    c.f64(k.c2).get(tt);
    c.f64(k.c3).get(tt);
    c.f64(k.c4).get(tt).f64(k.c5).mulF64().addF64();
    c.mulF64().addF64();
    c.mulF64().addF64();
    c.mulF64().addF64();
    c.mulF64().addF64();
    c.mulF64().set(mult);
  };
  [s0, s1, s2, s3].forEach((l, i) => word(l, i, false));
  // Four log-uniform draws (the weight draws' usual block): two items' multipliers at a time
  // in a vector, the uniforms still drawn one after another from the stream. The same
  // operations in the same order per lane as the general loop below, so the same bits.
  const simd = (op: number) => c.emit(0xfd, ...uleb(op));
  const uV = c.local(V128), xV = c.local(V128), ttV = c.local(V128), iV = c.local(V128), u2 = c.local(F64), out = c.local(I32);
  c.emit(0x02, 0x40); // block: the fast path, then return
  c.get(kind).i32(1).neI32().get(lanes).i32(4).neI32().emit(0x72).get(width).i32(4).neI32().emit(0x72).emit(0x0d, 0);
  c.for(j, (y) => y.i32(0), (y) => y.i32(4), () => {
    c.i32(0).set(item);
    c.emit(0x02, 0x40, 0x03, 0x40);
    c.get(item).i32(2).addI32().get(m).gtI32().emit(0x0d, 1);
    nextUniform(c, [s0, s1, s2, s3], res, t, u);
    nextUniform(c, [s0, s1, s2, s3], res, t, u2);
    c.get(u).splat().get(u2).emit(0xfd, 0x22, 1).set(uV); // f64x2.replace_lane 1
    c.get(uV).f64(k.steps).splat().mulV().tee(xV);
    simd(0x7a); // f64x2.trunc
    c.tee(iV);
    c.get(xV).get(iV).subV().get(span).splat().mulV().set(ttV);
    c.get(iV);
    simd(0xfc); // i32x4.trunc_sat_f64x2_s_zero
    c.set(iV);
    // table[idx] for both, times 1 + tt * (1 + tt * (c2 + tt * (c3 + tt * (c4 + tt * c5))))
    c.at(pTable, (y) => y.get(iV).emit(0xfd, 0x1b, 0), 8).loadSplatF64();
    c.at(pTable, (y) => y.get(iV).emit(0xfd, 0x1b, 1), 8).loadF64().emit(0xfd, 0x22, 1);
    c.f64(1).splat().get(ttV);
    c.f64(1).splat().get(ttV);
    c.f64(k.c2).splat().get(ttV);
    c.f64(k.c3).splat().get(ttV);
    c.f64(k.c4).splat().get(ttV).f64(k.c5).splat().mulV().addV();
    c.mulV().addV();
    c.mulV().addV();
    c.mulV().addV();
    c.mulV().addV();
    c.mulV();
    // times w0 of both items, to w4[item * 4 + j] and w4[(item + 1) * 4 + j]
    c.at(pW0, (y) => y.get(item), 8).loadV128().emit(0xfd, 0xf2, 0x01).set(xV); // f64x2.mul (w0 * mult)
    c.get(pW4).get(item).i32(2).shlI32().get(j).addI32().i32(3).shlI32().addI32().tee(out);
    c.get(xV).lane(0).storeF64();
    c.get(out).get(xV).lane(1).storeF64(32);
    c.get(item).i32(2).addI32().set(item);
    c.emit(0x0c, 0, 0x0b, 0x0b);
    // The last item when m is odd.
    c.when((y) => y.get(item).get(m).ltI32(), () => {
      nextUniform(c, [s0, s1, s2, s3], res, t, u);
      logMultiplier();
      c.get(pW4).get(item).i32(2).shlI32().get(j).addI32().i32(3).shlI32().addI32();
      c.at(pW0, (y) => y.get(item), 8).loadF64().get(mult).mulF64().storeF64();
    });
  });
  [s0, s1, s2, s3].forEach((l, i) => word(l, i, true));
  c.ret();
  c.emit(0x0b); // end of the fast path's block
  c.for(j, (y) => y.i32(0), (y) => y.get(width), () => {
    c.for(item, (y) => y.i32(0), (y) => y.get(m), () => {
      c.f64(1).set(mult);
      c.when((y) => y.get(j).get(lanes).ltI32().get(kind).i32(0).neI32().emit(0x71), () => {
        nextUniform(c, [s0, s1, s2, s3], res, t, u);
        c.when((y) => y.get(kind).i32(1).eqI32(), logMultiplier, () => {
          c.get(low).get(span).get(u).mulF64().addF64().set(mult);
        });
      });
      // w4[item * 4 + j] = w0[item] * mult (mult is 1 for default lanes: the same bits as w0)
      c.get(pW4).get(item).i32(2).shlI32().get(j).addI32().i32(3).shlI32().addI32();
      c.at(pW0, (y) => y.get(item), 8).loadF64().get(mult).mulF64().storeF64();
    });
  });
  [s0, s1, s2, s3].forEach((l, i) => word(l, i, true));
  return c;
}

const RECORD_PARAMS = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, I32, I32, I32, I32, I32];

/**
 * The histograms' bins wait in a batch (BIN_BATCH draws) before they are counted: counting a
 * draw's 3n bins at once touches 3n rows of the histograms, more than the first-level cache
 * holds, so nearly every count waited on memory; counted a row at a time, a batch's bins of
 * one row fall on the few cache lines where that row's draws lie. The batch (at pBins):
 * an i32 fill at 0, then u16 bins from BIN_HEADER, row r (stream t, ally a: r = t * n + a)
 * at BIN_HEADER + 2 * BIN_BATCH * r.
 */
export const BIN_BATCH = 64;

/**
 * nets4's lists of excluded items: each ally's excluded items split by side (in their order),
 * the distinct lists numbered. exOf: per ally, the byte offsets (32 per list) of its asset
 * and liability lists' sums; plan: i32 [lists, pointer to the sums (filled in by the
 * caller), then per list: side (1 liabilities), count, items...].
 */
export function exclusionPlan(n: number, assetItems: number, excludedStart: Int32Array, excludedItem: Int32Array): { exOf: Int32Array; plan: number[]; lists: number } {
  const index = new Map<string, number>();
  const plan: number[] = [0, 0];
  const exOf = new Int32Array(2 * n);
  for (let a = 0; a < n; a++) {
    const items = Array.from(excludedItem.subarray(excludedStart[a], excludedStart[a + 1]));
    for (const side of [0, 1]) {
      const mine = items.filter((k) => (k < assetItems) === (side === 0));
      const key = `${side}:${mine.join(',')}`;
      let l = index.get(key);
      if (l === undefined) {
        l = index.size;
        index.set(key, l);
        plan.push(side, mine.length, ...mine);
      }
      exOf[2 * a + side] = 32 * l;
    }
  }
  plan[0] = index.size;
  return { exOf, plan, lists: index.size };
}
export const BIN_HEADER = 16;

/** Bytes of record()'s scratch at pAbove for n allies: counts, f32 nets and i16 keys, n rounded up to 8 each. */
export function aboveBytes(n: number): number {
  return 10 * ((n + 7) & ~7);
}

/** Bytes of the batch of bins for n allies. */
export function binBatchBytes(n: number): number {
  return BIN_HEADER + 2 * BIN_BATCH * 3 * n;
}

/**
 * The ranks wait in a batch too (a draw's ranks at BIN_HEADER + 2 * n8 * draw, u16, n8 = n
 * rounded up to 8), written as the sixteen-bit counts make them, eight to a store, and
 * counted together (flushRanks) while the rank counts stay in the first-level cache.
 */
export function rankBatchBytes(n: number): number {
  return BIN_HEADER + 2 * ((n + 7) & ~7) * BIN_BATCH;
}

/** Bytes of the baseline: its order (i32, n8) and each ally's baseline rank (i16, n8; the padding 0). */
export function baselineBytes(n: number): number {
  return 6 * ((n + 7) & ~7);
}

/**
 * flushRanks(pRanks, pRankCounts, n): count the batch of ranks into the rank counts (ally a's
 * row at pRankCounts + 4 * n * a, i32) and empty the batch.
 */
function flushRanks(): Code {
  const [pRanks, pRank, n] = [0, 1, 2];
  const c = new Code(3);
  const d = c.local(I32), a = c.local(I32), row = c.local(I32), dst = c.local(I32), rowBytes = c.local(I32), addr = c.local(I32);
  c.get(n).i32(7).addI32().i32(-8).emit(0x71).i32(1).shlI32().set(rowBytes);
  c.for(d, (y) => y.i32(0), (y) => y.get(pRanks).loadI32(), () => {
    c.get(pRanks).i32(BIN_HEADER).addI32().get(d).get(rowBytes).mulI32().addI32().set(row);
    c.get(pRank).set(dst);
    c.for(a, (y) => y.i32(0), (y) => y.get(n), () => {
      c.get(dst).get(row).get(a).i32(1).shlI32().addI32().loadU16().i32(2).shlI32().addI32().tee(addr).get(addr).loadI32().i32(1).addI32().storeI32();
      c.get(dst).get(n).i32(2).shlI32().addI32().set(dst);
    });
  });
  c.get(pRanks).i32(0).storeI32();
  return c;
}

const FLUSH_PARAMS = [I32, I32, I32, I32];

/**
 * flushBins(pBins, pTotals, rows, rowBytes): count the batch's bins into the histograms (row r
 * at pTotals + r * rowBytes, u16 counts) and empty the batch.
 */
function flushBins(): Code {
  const [pBins, pTot, rows, rowBytes] = FLUSH_PARAMS.map((_, i) => i);
  const c = new Code(FLUSH_PARAMS.length);
  const r = c.local(I32), src = c.local(I32), end = c.local(I32), dst = c.local(I32), fill = c.local(I32), addr = c.local(I32);
  c.get(pBins).loadI32().set(fill);
  c.for(r, (y) => y.i32(0), (y) => y.get(rows), () => {
    c.get(pBins).i32(BIN_HEADER).addI32().get(r).i32(2 * BIN_BATCH).mulI32().addI32().tee(src).get(fill).i32(1).shlI32().addI32().set(end);
    c.get(pTot).get(r).get(rowBytes).mulI32().addI32().set(dst);
    const bump = (offset: number) => {
      c.get(dst).get(src).emit(0x2f, 1, ...uleb(offset)).i32(1).shlI32().addI32().tee(addr).get(addr).loadU16().i32(1).addI32().storeI16();
    };
    // Four at a time, then one at a time.
    for (const step of [4, 1]) {
      c.emit(0x02, 0x40, 0x03, 0x40);
      c.get(src).i32(2 * step).addI32().get(end).gtI32().emit(0x0d, 1);
      for (let k = 0; k < step; k++) bump(2 * k);
      c.get(src).i32(2 * step).addI32().set(src);
      c.emit(0x0c, 0, 0x0b, 0x0b);
    }
  });
  c.get(pBins).i32(0).storeI32();
  return c;
}

/**
 * record(lane, n, pAssets, pLiabilities, pNets, pSums, pMin, pMax, pTotals, pPositive,
 * pOrder, pBaselineOrder, pRankCounts, lo0, sc0, lo1, sc1, lo2, sc2, bins, pAbove, totals, pBins,
 * pRanks) -> 1 when the ranking equals the baseline: the per-draw bookkeeping of drawBlock in
 * draws.ts. pAbove is scratch (aboveBytes); pBaselineOrder holds the baseline's order and ranks
 * (baselineBytes). totals 0: the ranking and rank counts only (DrawSettings.totals false, or
 * totals4 has kept this draw's totals). The histograms (pTotals) are u16 counts of one chunk
 * (at most 8,192 draws), which the caller folds and clears; their bins wait in the batch at
 * pBins, the ranks in the batch at pRanks.
 */
function record(flushIndex: number, flushRanksIndex: number): Code {
  const [laneP, n, pA, pL, pN, pSums, pMin, pMax, pTot, pPos, pOrder, pBase, pRank, lo0, sc0, lo1, sc1, lo2, sc2, bins, pAbove, keepTotals, pBins, pRanks] = RECORD_PARAMS.map((_, i) => i);
  const c = new Code(RECORD_PARAMS.length);
  const a = c.local(I32), b = c.local(I32), i = c.local(I32), k = c.local(I32), cur = c.local(I32), o = c.local(I32);
  const same = c.local(I32), r = c.local(I32), addr = c.local(I32), last = c.local(I32);
  const xp = c.local(I32), sp = c.local(I32), nets = c.local(I32);
  const streamBytes = c.local(I32), rowBytes = c.local(I32), toMin = c.local(I32), toMax = c.local(I32), toL = c.local(I32), toN = c.local(I32);
  const ps = c.local(I32);
  const x = c.local(F64), v = c.local(F64), vo = c.local(F64);
  const numeric = c.local(I32), pF = c.local(I32), n8 = c.local(I32), qEnd = c.local(I32);
  const odd = c.local(I32), ok = c.local(I32), jp = c.local(I32), jEnd = c.local(I32), jEnd4 = c.local(I32), pairV = c.local(V128);
  const counts = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)], vs = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const pK = c.local(I32), kEnd = c.local(I32), kVectors = c.local(I32), lowF = c.local(0x7d), highF = c.local(0x7d);
  const scaleV = c.local(V128), lowV = c.local(V128), halfV = c.local(V128), highV = c.local(V128), numV = c.local(V128), sameV = c.local(V128);
  const pBaseRank = c.local(I32), keysRanked = c.local(I32); // 1: the sixteen-bit counts are the ranks
  const sumV = c.local(V128), sum = c.local(I32), sumS = c.local(I32), bp = c.local(I32), pb = c.local(I32), batchBytes = c.local(I32);
  // Pointers walk the allies: xp over this lane's assets (liabilities and nets at fixed
  // distances), sp over the sums (extremes at fixed distances), tp over the histogram rows.
  c.get(bins).i32(1).subI32().set(last);
  c.get(n).i32(3).shlI32().set(streamBytes);
  c.get(bins).i32(1).shlI32().set(rowBytes);
  c.get(pMin).get(pSums).subI32().set(toMin);
  c.get(pMax).get(pSums).subI32().set(toMax);
  c.get(pL).get(pA).subI32().set(toL);
  c.get(pN).get(pA).subI32().set(toN);
  c.get(laneP).get(n).mulI32().i32(3).shlI32().tee(xp).get(pN).addI32().set(nets);
  c.get(xp).get(pA).addI32().set(xp);
  c.get(pSums).set(sp);
  // bp: this draw's place in the first row of the batch of bins; pb the stream's row.
  c.get(pBins).i32(BIN_HEADER).addI32().get(pBins).loadI32().i32(1).shlI32().addI32().set(bp);
  c.get(n).i32(2 * BIN_BATCH).mulI32().set(batchBytes);
  c.i32(1).set(ok);
  // Two allies at a time (f64x2), as the one-at-a-time loop below does them lane by lane:
  // sums added, extremes by pmin / pmax (pmin(m, x) = x < m ? x : m, the scalar test), bins
  // truncated and clamped, each bin's count and P(net > 0) counted per lane.
  const loV = [c.local(V128), c.local(V128), c.local(V128)], scV = [c.local(V128), c.local(V128), c.local(V128)];
  const xV = c.local(V128), bV = c.local(V128), lastV = c.local(V128), mask = c.local(I32);
  for (const [t, lo, sc] of [[0, lo0, sc0], [1, lo1, sc1], [2, lo2, sc2]] as const) {
    c.get(lo).splat().set(loV[t]);
    c.get(sc).splat().set(scV[t]);
  }
  c.get(last).emit(0xfd, 0x11).set(lastV);
  const simd = (op: number) => c.emit(0xfd, ...uleb(op));
  // Without totals (keepTotals 0) the ranking below still finds a net that is not a number: it
  // leaves a place unclaimed, and the insertion sort ranks that draw.
  c.emit(0x02, 0x40); // block: the totals, left by br_if when keepTotals is 0
  c.get(keepTotals).emit(0x45).emit(0x0d, 0);
  c.i32(0).set(a);
  c.emit(0x02, 0x40, 0x03, 0x40);
  c.get(a).i32(2).addI32().get(n).gtI32().emit(0x0d, 1);
  for (const t of [0, 1, 2] as const) {
    c.get(xp);
    if (t === 1) c.get(toL).addI32();
    if (t === 2) c.get(toN).addI32();
    c.loadV128().set(xV);
    if (t === 0) c.get(sp).set(ps).get(bp).set(pb);
    else c.get(ps).get(streamBytes).addI32().set(ps).get(pb).get(batchBytes).addI32().set(pb);
    c.get(ps).get(ps).loadV128().get(xV).addV().storeV128();
    c.get(xV).get(loV[t]).subV().get(scV[t]).mulV();
    simd(0xfc); // i32x4.trunc_sat_f64x2_s_zero
    c.zeroV();
    simd(0xb8); // i32x4.max_s
    c.get(lastV);
    simd(0xb6); // i32x4.min_s
    c.set(bV);
    c.get(pb).get(bV).emit(0xfd, 0x1b, 0).storeI16();
    c.get(pb).get(bV).emit(0xfd, 0x1b, 1).storeI16(2 * BIN_BATCH);
    c.get(ps).get(toMin).addI32().tee(addr).get(addr).loadV128().get(xV);
    simd(0xf6); // f64x2.pmin
    c.storeV128();
    c.get(ps).get(toMax).addI32().tee(addr).get(addr).loadV128().get(xV);
    simd(0xf7); // f64x2.pmax
    c.storeV128();
    if (t === 2) {
      c.get(xV).get(xV);
      simd(0x47); // f64x2.eq: both lanes numbers
      simd(0xc4); // i64x2.bitmask
      c.i32(3).eqI32().get(ok).emit(0x71).set(ok);
      c.get(xV).zeroV();
      simd(0x4a); // f64x2.gt
      simd(0xc4);
      c.set(mask);
      c.at(pPos, (y) => y.get(a), 4).tee(addr).get(addr).loadI32().get(mask).i32(1).emit(0x71).addI32().storeI32();
      c.get(addr).get(addr).loadI32(4).get(mask).i32(1).shrI32().addI32();
      c.emit(0x36, 2, 4); // i32.store offset 4
    }
  }
  c.get(xp).i32(16).addI32().set(xp);
  c.get(sp).i32(16).addI32().set(sp);
  c.get(bp).i32(4 * BIN_BATCH).addI32().set(bp);
  c.get(a).i32(2).addI32().set(a);
  c.emit(0x0c, 0, 0x0b, 0x0b);
  // The last ally when n is odd.
  c.for(a, (y) => y.get(n).i32(-2).emit(0x71), (y) => y.get(n), () => {
    for (const [t, lo, sc] of [[0, lo0, sc0], [1, lo1, sc1], [2, lo2, sc2]] as const) {
      // x = assets / liabilities / nets of the ally in this lane
      c.get(xp);
      if (t === 1) c.get(toL).addI32();
      if (t === 2) c.get(toN).addI32();
      c.loadF64().set(x);
      // ps, pt: the stream's sums and histogram row, one stream further on each time
      if (t === 0) c.get(sp).set(ps).get(bp).set(pb);
      else c.get(ps).get(streamBytes).addI32().set(ps).get(pb).get(batchBytes).addI32().set(pb);
      c.get(ps).get(ps).loadF64().get(x).addF64().storeF64();
      // bin = clamp(trunc((x - lo) * sc), 0, last), branch-free
      c.get(x).get(lo).subF64().get(sc).mulF64().truncF64().set(b);
      c.i32(0).get(b).get(b).i32(0).ltI32().emit(0x1b).set(b);
      c.get(last).get(b).get(b).get(last).gtI32().emit(0x1b).set(b);
      c.get(pb).get(b).storeI16();
      c.get(ps).get(toMin).addI32().set(addr);
      c.when((y) => y.get(x).get(addr).loadF64().ltF64(), () => c.get(addr).get(x).storeF64());
      c.get(ps).get(toMax).addI32().set(addr);
      c.when((y) => y.get(x).get(addr).loadF64().gtF64(), () => c.get(addr).get(x).storeF64());
      if (t === 2) {
        // A net that is not a number leaves the ranking to the insertion sort below.
        c.get(ok).get(x).get(x).eqF64().emit(0x71).set(ok);
        c.when((y) => y.get(x).f64(0).gtF64(), () => {
          c.at(pPos, (y) => y.get(a), 4).tee(addr).get(addr).loadI32().i32(1).addI32().storeI32();
        });
      }
    }
    c.get(xp).i32(8).addI32().set(xp);
    c.get(sp).i32(8).addI32().set(sp);
    c.get(bp).i32(2 * BIN_BATCH).addI32().set(bp);
  });
  // One more draw in the batch; a full batch is counted.
  c.get(pBins).get(pBins).loadI32().i32(1).addI32().tee(addr).storeI32();
  c.when((y) => y.get(addr).i32(BIN_BATCH).geI32(), () => {
    c.get(pBins).get(pTot).get(n).i32(3).mulI32().get(rowBytes).call(flushIndex);
  });
  c.emit(0x0b); // end of the totals' block
  // The ranking: by net, descending, ties by index. Ranked by counting, branch-free (an
  // insertion sort from the previous draw's order mispredicts a branch per ally and costs
  // twice as much): an ally's rank is 1 + the allies with a larger net, counted by vector
  // compares (a lane's mask is -1, subtracted). When no two nets are equal these counts are a
  // permutation and the order is where each ally lands; equal nets (or a net that is not a
  // number) leave a place unclaimed, which the check finds, and the insertion sort ranks that
  // draw. Counting runs first in sixteen-bit keys (eight lanes), then, if keys tie, in f32
  // (four lanes), then, if needed, in f64 (two lanes).
  const netOf = (who: number) => c.get(nets).get(who).i32(3).shlI32().addI32().loadF64();
  /** i from 0 to `limit` (a local): body(4) for each whole four, then body(1) for the rest. */
  const byFours = (limit: number, body: (width: number) => void) => {
    c.i32(0).set(i);
    for (const width of [4, 1]) {
      c.emit(0x02, 0x40, 0x03, 0x40);
      c.get(i).i32(width).addI32().get(limit).gtI32().emit(0x0d, 1);
      body(width);
      c.get(i).i32(width).addI32().set(i);
      c.emit(0x0c, 0, 0x0b, 0x0b);
    }
  };
  c.get(n).i32(1).emit(0x71).set(odd);
  // jEnd: the end of the allies' pairs; jEnd4: of whole groups of four pairs.
  c.get(nets).get(n).i32(1).shrI32().i32(4).shlI32().addI32().set(jEnd);
  c.get(nets).get(n).i32(3).shrI32().i32(6).shlI32().addI32().set(jEnd4);
  // Four allies at a time (each pair of nets loaded once for the four), then one at a time.
  const counted = (q: number) => {
    // above = lane 0 + lane 1 (+ the last ally when n is odd)
    c.at(pAbove, (y) => y.get(i).i32(q).addI32(), 4);
    c.get(counts[q]).emit(0xfd, 0x1d, 0).get(counts[q]).emit(0xfd, 0x1d, 1).emit(0x7c).emit(0xa7);
    c.get(odd).get(jEnd).loadF64().get(vs[q]).lane(0).gtF64().emit(0x71).addI32();
    c.storeI32();
  };
  const countAbove = (width: number) => {
    for (let q = 0; q < width; q++) c.get(nets).get(i).i32(3).shlI32().addI32().loadF64(8 * q).splat().set(vs[q]);
    for (let q = 0; q < width; q++) c.zeroV().set(counts[q]);
    c.get(nets).set(jp);
    const step = (offset: number) => {
      c.get(jp).loadV128(offset).set(pairV);
      for (let q = 0; q < width; q++) c.get(counts[q]).get(pairV).get(vs[q]).emit(0xfd, 0x4a).emit(0xfd, ...uleb(0xd1)).set(counts[q]);
    };
    c.emit(0x02, 0x40, 0x03, 0x40);
    c.get(jp).get(jEnd4).geI32().emit(0x0d, 1);
    step(0); step(16); step(32); step(48);
    c.get(jp).i32(64).addI32().set(jp);
    c.emit(0x0c, 0, 0x0b, 0x0b);
    c.emit(0x02, 0x40, 0x03, 0x40);
    c.get(jp).get(jEnd).geI32().emit(0x0d, 1);
    step(0);
    c.get(jp).i32(16).addI32().set(jp);
    c.emit(0x0c, 0, 0x0b, 0x0b);
    for (let q = 0; q < width; q++) counted(q);
  };
  const insertionSort = () => {
    c.for(i, (y) => y.i32(1), (y) => y.get(n), () => {
      c.at(pOrder, (y) => y.get(i), 4).loadI32().set(cur);
      netOf(cur);
      c.set(v);
      c.get(i).i32(1).subI32().set(k);
      c.emit(0x02, 0x40, 0x03, 0x40); // block, loop
      c.get(k).i32(0).ltI32().emit(0x0d, 1); // k < 0: done
      c.at(pOrder, (y) => y.get(k), 4).loadI32().set(o);
      netOf(o);
      c.set(vo);
      c.get(vo).get(v).gtF64().emit(0x0d, 1);
      c.when((y) => y.get(vo).get(v).eqF64(), () => {
        c.get(o).get(cur).ltI32().emit(0x0d, 2); // out of the if, the loop and the block
      });
      c.at(pOrder, (y) => y.get(k).i32(1).addI32(), 4).get(o).storeI32();
      c.get(k).i32(1).subI32().set(k);
      c.emit(0x0c, 0, 0x0b, 0x0b); // br loop, end, end
      c.at(pOrder, (y) => y.get(k).i32(1).addI32(), 4).get(cur).storeI32();
    });
  };
  /** order[above[i]] = i, then whether every place was claimed (ok &= ...). */
  const place = () => {
    c.for(i, (y) => y.i32(0), (y) => y.get(n), () => {
      c.at(pOrder, (y) => y.at(pAbove, (z) => z.get(i), 4).loadI32(), 4).get(i).storeI32();
    });
    // Every place claimed: order[r] counted r above it (a place left unclaimed holds an ally
    // of an earlier draw, which counted another number).
    c.for(r, (y) => y.i32(0), (y) => y.get(n), () => {
      c.get(ok).at(pAbove, (y) => y.at(pOrder, (z) => z.get(r), 4).loadI32(), 4).loadI32().get(r).eqI32().emit(0x71).set(ok);
    });
  };
  // First in single precision, four nets to a vector: rounding to f32 keeps the order (a > b
  // where f32(a) > f32(b)), so when the f32 nets are all different their counts are the
  // exact ranks. Nets that round together (or are not numbers) leave a place unclaimed: the
  // f64 counts then decide, and where nets are equal, the insertion sort.
  c.get(ok).set(numeric);
  // The scratch at pAbove (aboveBytes): n8 i32 counts, n8 f32 nets (pF), n8 i16 keys (pK).
  c.get(n).i32(7).addI32().i32(-8).emit(0x71).set(n8);
  c.at(pAbove, (y) => y.get(n8), 4).set(pF);
  c.at(pF, (y) => y.get(n8), 4).set(pK);
  // f32 nets, two at a time (f32x4.demote_f64x2_zero), then the last one.
  c.i32(0).set(i);
  c.emit(0x02, 0x40, 0x03, 0x40);
  c.get(i).i32(2).addI32().get(n).gtI32().emit(0x0d, 1);
  c.at(pF, (y) => y.get(i), 4);
  c.get(nets).get(i).i32(3).shlI32().addI32().loadV128();
  simd(0x5e); // f32x4.demote_f64x2_zero
  c.emit(0xfd, 0x5b, 3, 0, 0); // v128.store64_lane 0
  c.get(i).i32(2).addI32().set(i);
  c.emit(0x0c, 0, 0x0b, 0x0b);
  c.when((y) => y.get(i).get(n).ltI32(), () => {
    c.at(pF, (y) => y.get(i), 4);
    netOf(i);
    c.emit(0xb6); // f32.demote_f64
    c.emit(0x38, 2, 0); // f32.store
  });
  // The lowest and highest net, and whether every net is a number: the padding is the first
  // net, then four lanes at a time (pmin and pmax: one instruction each; a net that is not a
  // number is caught by the eq).
  c.for(i, (y) => y.get(n), (y) => y.get(n8), () => c.at(pF, (y) => y.get(i), 4).get(pF).loadI32().storeI32());
  c.get(pF).loadV128().tee(lowV).set(highV);
  c.i32(-1).emit(0xfd, 0x11).set(numV);
  c.get(pF).set(jp);
  c.at(pF, (y) => y.get(n8), 4).set(qEnd);
  c.emit(0x02, 0x40, 0x03, 0x40);
  c.get(jp).get(qEnd).geI32().emit(0x0d, 1);
  c.get(jp).loadV128().set(pairV);
  c.get(lowV).get(pairV);
  simd(0xea); // f32x4.pmin
  c.set(lowV);
  c.get(highV).get(pairV);
  simd(0xeb); // f32x4.pmax
  c.set(highV);
  c.get(numV).get(pairV).get(pairV);
  simd(0x41); // f32x4.eq
  simd(0x4e); // v128.and
  c.set(numV);
  c.get(jp).i32(16).addI32().set(jp);
  c.emit(0x0c, 0, 0x0b, 0x0b);
  for (const [v, op] of [[lowV, 0xea], [highV, 0xeb]] as const) {
    for (const lanes of [[2, 3, 0, 1], [1, 0, 3, 2]]) {
      c.get(v).get(v).get(v).emit(0xfd, 0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
      simd(op);
      c.set(v);
    }
  }
  c.get(lowV).emit(0xfd, 0x1f, 0).set(lowF); // f32x4.extract_lane 0
  c.get(highV).emit(0xfd, 0x1f, 0).set(highF);
  // Padding to a whole number of pairs of vectors: -Infinity is larger than nothing.
  c.for(i, (y) => y.get(n), (y) => y.get(n8), () => c.at(pF, (y) => y.get(i), 4).i32(-8388608).storeI32());
  // First of all in sixteen bits, eight nets to a vector, the nets' own span cut in 65,536
  // steps: key = trunc((net - lowest) * 65535 / span) - 32768, which never reverses an order
  // (each step rounds monotonically), so when the keys are all different their counts are
  // the exact ranks (ties fall to the f32 counts: about one draw in 25 here). An ally's count
  // gathers lane by lane: each ally's key, splat, against eight allies' keys at once.
  c.f32(65535).get(highF).get(lowF).emit(0x93).emit(0x95).emit(0xfd, 0x13).set(scaleV); // f32.sub, f32.div, f32x4.splat
  c.get(lowF).emit(0xfd, 0x13).set(lowV);
  c.i32(32768).emit(0xfd, 0x11).set(halfV);
  c.for(i, (y) => y.i32(0), (y) => y.get(n8), () => {
    for (const off of [0, 16]) {
      c.get(pF).get(i).i32(2).shlI32().addI32().loadV128(off).get(lowV);
      simd(0xe5); // f32x4.sub
      c.get(scaleV);
      simd(0xe6); // f32x4.mul
      simd(0xf8); // i32x4.trunc_sat_f32x4_s
      c.get(halfV);
      simd(0xb1); // i32x4.sub
    }
    simd(0x85); // i16x8.narrow_i32x4_s
    c.set(pairV);
    c.get(pK).get(i).i32(1).shlI32().addI32().get(pairV).storeV128();
    c.get(i).i32(7).addI32().set(i);
  });
  // The padding's keys are the largest: an ally counts only allies (padding is never splat),
  // and the padding counts none.
  c.for(i, (y) => y.get(n), (y) => y.get(n8), () => c.get(pK).get(i).i32(1).shlI32().addI32().i32(32767).storeI16());
  c.get(pK).get(n).i32(1).shlI32().addI32().set(kEnd);
  c.zeroV().set(sumV);
  const countKeys = (width: number) => {
    for (let q = 0; q < width; q++) c.get(pK).get(i).i32(4).shlI32().addI32().loadV128(16 * q).set(vs[q]);
    for (let q = 0; q < width; q++) c.zeroV().set(counts[q]);
    c.get(pK).set(jp);
    // Two allies' keys a step, then the last one.
    for (const step of [2, 1]) {
      c.emit(0x02, 0x40, 0x03, 0x40);
      c.get(jp).i32(2 * step).addI32().get(kEnd).gtI32().emit(0x0d, 1);
      for (let k = 0; k < step; k++) {
        c.get(jp).emit(0xfd, 0x08, 1, ...uleb(2 * k)).set(pairV); // v128.load16_splat
        for (let q = 0; q < width; q++) {
          c.get(counts[q]).get(pairV).get(vs[q]);
          simd(0x31); // i16x8.gt_s
          simd(0x91); // i16x8.sub
          c.set(counts[q]);
        }
      }
      c.get(jp).i32(2 * step).addI32().set(jp);
      c.emit(0x0c, 0, 0x0b, 0x0b);
    }
    for (let q = 0; q < width; q++) {
      // The ranks to this draw's row of the batch, and whether they are the baseline's.
      c.get(bp).get(i).i32(4).shlI32().addI32().get(counts[q]).emit(0xfd, 0x0b, 4, ...uleb(16 * q));
      c.get(sameV).get(counts[q]).get(pBaseRank).get(i).i32(4).shlI32().addI32().loadV128(16 * q);
      simd(0x2d); // i16x8.eq
      simd(0x4e); // v128.and
      c.set(sameV);
      c.get(pAbove).get(i).i32(5).shlI32().addI32().set(addr);
      c.get(addr).get(counts[q]);
      simd(0xa7); // i32x4.extend_low_i16x8_s
      c.tee(pairV).emit(0xfd, 0x0b, 4, ...uleb(32 * q)); // v128.store
      c.get(sumV).get(pairV);
      simd(0xae); // i32x4.add
      c.set(sumV);
      c.get(addr).get(counts[q]);
      simd(0xa8); // i32x4.extend_high_i16x8_s
      c.tee(pairV).emit(0xfd, 0x0b, 4, ...uleb(32 * q + 16));
      c.get(sumV).get(pairV);
      simd(0xae);
      c.set(sumV);
    }
  };
  c.get(n8).i32(3).shrI32().set(kVectors);
  // bp: this draw's row of the batch of ranks; sameV: whether each rank is the baseline's.
  c.get(pRanks).i32(BIN_HEADER).addI32().get(pRanks).loadI32().get(n8).i32(1).shlI32().mulI32().addI32().set(bp);
  c.at(pBase, (y) => y.get(n8), 4).set(pBaseRank);
  c.i32(-1).emit(0xfd, 0x11).set(sameV);
  byFours(kVectors, countKeys);
  c.i32(0).set(sum);
  for (const lane of [0, 1, 2, 3]) c.get(sum).get(sumV).emit(0xfd, 0x1b, lane).addI32().set(sum);
  c.get(numV);
  simd(0xa3); // i32x4.all_true
  c.get(sum).get(n).get(n).i32(1).subI32().mulI32().i32(1).shrI32().eqI32().emit(0x71);
  c.when(() => undefined, () => c.i32(1).set(ok).i32(1).set(keysRanked), () => {
  const countAbove32 = (width: number) => {
    for (let q = 0; q < width; q++) c.at(pF, (y) => y.get(i), 4).emit(0x2a, 2, ...uleb(4 * q)).emit(0xfd, 0x13).set(vs[q]);
    for (let q = 0; q < width; q++) c.zeroV().set(counts[q]);
    c.get(pF).set(jp);
    const step = (offset: number) => {
      c.get(jp).loadV128(offset).set(pairV);
      for (let q = 0; q < width; q++) c.get(counts[q]).get(pairV).get(vs[q]).emit(0xfd, 0x44).emit(0xfd, ...uleb(0xb1)).set(counts[q]);
    };
    c.emit(0x02, 0x40, 0x03, 0x40);
    c.get(jp).get(qEnd).geI32().emit(0x0d, 1);
    step(0); step(16);
    c.get(jp).i32(32).addI32().set(jp);
    c.emit(0x0c, 0, 0x0b, 0x0b);
    if (width === 4) {
      // The four allies' counts (each the sum of its vector's lanes) by two rounds of pairwise
      // sums, stored together; their total is kept for the check below.
      const shuffle = (lanes: number[]) => c.emit(0xfd, 0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
      const addI = () => c.emit(0xfd, ...uleb(0xae)); // i32x4.add
      for (const [x, y, into] of [[counts[0], counts[1], vs[0]], [counts[2], counts[3], vs[1]]] as const) {
        c.get(x).get(y);
        shuffle([0, 1, 4, 5]);
        c.get(x).get(y);
        shuffle([2, 3, 6, 7]);
        addI();
        c.set(into);
      }
      c.get(vs[0]).get(vs[1]);
      shuffle([0, 2, 4, 6]);
      c.get(vs[0]).get(vs[1]);
      shuffle([1, 3, 5, 7]);
      addI();
      c.set(pairV);
      c.at(pAbove, (y) => y.get(i), 4).get(pairV).storeV128();
      c.get(sumV).get(pairV);
      addI();
      c.set(sumV);
      return;
    }
    c.at(pAbove, (y) => y.get(i), 4);
    c.get(counts[0]).emit(0xfd, 0x1b, 0).get(counts[0]).emit(0xfd, 0x1b, 1).addI32();
    c.get(counts[0]).emit(0xfd, 0x1b, 2).addI32().get(counts[0]).emit(0xfd, 0x1b, 3).addI32();
    c.tee(sumS).storeI32();
    c.get(sum).get(sumS).addI32().set(sum);
  };
  c.zeroV().set(sumV);
  c.i32(0).set(sum);
  byFours(n, countAbove32);
  // The counts total n(n - 1) / 2 exactly when every pair of nets is ordered (no two equal in
  // f32, none not a number): then they are the ranks, each place claimed once.
  for (const lane of [0, 1, 2, 3]) c.get(sum).get(sumV).emit(0xfd, 0x1b, lane).addI32().set(sum);
  c.get(sum).get(n).get(n).i32(1).subI32().mulI32().i32(1).shrI32().eqI32().set(ok);
  }); // end of the f32 counts (the keys tied)
  // The counts are the ranks: the order from them (the sixteen-bit counts have written the
  // batch of ranks; the f32 counts write it here).
  c.when((y) => y.get(ok), () => {
    c.for(i, (y) => y.i32(0), (y) => y.get(n), () => {
      c.at(pAbove, (y) => y.get(i), 4).loadI32().set(r);
      c.at(pOrder, (y) => y.get(r), 4).get(i).storeI32();
    });
  }, () => {
    c.get(numeric).set(ok);
    byFours(n, countAbove);
    place();
    // Else: insertion sort by net, descending, ties by index (from any order: it is total).
    c.when((y) => y.get(ok).emit(0x45), () => {
      c.for(i, (y) => y.i32(0), (y) => y.get(n), () => c.at(pOrder, (y) => y.get(i), 4).get(i).storeI32());
      insertionSort();
    });
  });
  c.when((y) => y.get(keysRanked), () => {
    // Ranked by the keys: the batch has the ranks, sameV whether they are the baseline's.
    c.get(sameV);
    simd(0x83); // i16x8.all_true
    c.set(same);
  }, () => {
    // Each ally's rank to the batch, and whether the ranking equals the baseline
    // (branch-free: whether an ally keeps its baseline place is a coin toss per place).
    c.i32(1).set(same);
    c.for(r, (y) => y.i32(0), (y) => y.get(n), () => {
      c.at(pOrder, (y) => y.get(r), 4).loadI32().set(a);
      c.get(bp).get(a).i32(1).shlI32().addI32().get(r).storeI16();
      c.get(same).get(a).at(pBase, (z) => z.get(r), 4).loadI32().eqI32().emit(0x71).set(same);
    });
  });
  c.get(pRanks).get(pRanks).loadI32().i32(1).addI32().tee(addr).storeI32();
  c.when((y) => y.get(addr).i32(BIN_BATCH).geI32(), () => c.get(pRanks).get(pRank).get(n).call(flushRanksIndex));
  c.get(same);
  return c;
}

/**
 * totals4(pArgs): the totals of the four draws of a block (nets4's lanes), as record() with
 * totals would keep them draw by draw: each ally's sums, extremes, bins and P(net > 0). Each
 * sum and extreme is read once for the four draws and its four steps taken in draw order in
 * a register (the same additions and comparisons, so the same bits); the bins go to the
 * batch (flushed first when four more would not fit).
 */
function totals4(flushIndex: number): Code {
  const pArgs = 0;
  const c = new Code(1);
  const n = c.local(I32), xp = c.local(I32), ps = c.local(I32), pb = c.local(I32), end = c.local(I32);
  const laneBytes = c.local(I32), toMin = c.local(I32), toMax = c.local(I32), pp = c.local(I32);
  const fill = c.local(I32), pBins = c.local(I32), last = c.local(I32), b = c.local(I32), pos = c.local(I32), addr = c.local(I32);
  const xV = c.local(V128), sV = c.local(V128), mnV = c.local(V128), mxV = c.local(V128), bV = c.local(V128), lastV = c.local(V128), posV = c.local(V128);
  const loV = c.local(V128), scV = c.local(V128), binV = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const x = c.local(F64), sF = c.local(F64), mnF = c.local(F64), mxF = c.local(F64);
  /** i8x16.shuffle bytes picking i32 lanes (4..7: the second vector's). */
  const lanes32 = (picks: number[]) => picks.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
  const simd = (op: number) => c.emit(0xfd, ...uleb(op));
  const i = (off: number) => c.get(pArgs).loadI32(off);
  const f = (off: number) => c.get(pArgs).loadF64(off);
  const flush = () => {
    c.get(pBins);
    i(ARGS.pTotals);
    c.get(n).i32(3).mulI32();
    i(ARGS.bins);
    c.i32(1).shlI32().call(flushIndex);
  };
  i(ARGS.n); c.set(n);
  i(ARGS.pBins); c.set(pBins);
  // Room for four more draws in the batch.
  c.when((y) => y.get(pBins).loadI32().i32(BIN_BATCH - 4).gtI32(), flush);
  c.get(pBins).loadI32().set(fill);
  c.get(n).i32(3).shlI32().set(laneBytes);
  i(ARGS.pMin); i(ARGS.pSums); c.subI32().set(toMin);
  i(ARGS.pMax); i(ARGS.pSums); c.subI32().set(toMax);
  i(ARGS.bins); c.i32(1).subI32().tee(last).emit(0xfd, 0x11).set(lastV);
  // A stream at a time (assets, liabilities, nets), so that few values stay live in the loop.
  const streams = [[ARGS.pAssets, ARGS.lo0, ARGS.sc0], [ARGS.pLiabilities, ARGS.lo1, ARGS.sc1], [ARGS.pNets, ARGS.lo2, ARGS.sc2]] as const;
  streams.forEach(([pX, lo, sc], t) => {
    i(pX); c.set(xp);
    i(ARGS.pSums); c.get(laneBytes).i32(t).mulI32().addI32().set(ps);
    c.get(pBins).i32(BIN_HEADER).addI32().get(fill).i32(1).shlI32().addI32().get(n).i32(2 * BIN_BATCH * t).mulI32().addI32().set(pb);
    i(ARGS.pPositive); c.set(pp);
    f(lo); c.splat().set(loV);
    f(sc); c.splat().set(scV);
    // Two allies at a time.
    c.get(xp).get(n).i32(-2).emit(0x71).i32(3).shlI32().addI32().set(end);
    c.emit(0x02, 0x40, 0x03, 0x40);
    c.get(xp).get(end).geI32().emit(0x0d, 1);
    c.get(ps).loadV128().set(sV);
    c.get(ps).get(toMin).addI32().loadV128().set(mnV);
    c.get(ps).get(toMax).addI32().loadV128().set(mxV);
    if (t === 2) c.zeroV().set(posV);
    c.get(xp).set(addr);
    for (let j = 0; j < 4; j++) {
      c.get(addr).loadV128().set(xV);
      if (j < 3) c.get(addr).get(laneBytes).addI32().set(addr);
      c.get(sV).get(xV).addV().set(sV);
      c.get(mnV).get(xV);
      simd(0xf6); // f64x2.pmin
      c.set(mnV);
      c.get(mxV).get(xV);
      simd(0xf7); // f64x2.pmax
      c.set(mxV);
      c.get(xV).get(loV).subV().get(scV).mulV();
      simd(0xfc); // i32x4.trunc_sat_f64x2_s_zero: [first ally's bin, second's, 0, 0]
      c.set(binV[j]);
      if (t === 2) {
        c.get(posV).get(xV).zeroV();
        simd(0x4a); // f64x2.gt: the lane's mask, -1
        simd(0xd1); // i64x2.sub
        c.set(posV);
      }
    }
    // The four draws' bins of each ally side by side (lanes shuffled), clamped together, as
    // sixteen bits: one 8-byte store to each ally's row of the batch.
    c.get(binV[0]).get(binV[1]).emit(0xfd, 0x0d, ...lanes32([0, 4, 1, 5]));
    c.get(binV[2]).get(binV[3]).emit(0xfd, 0x0d, ...lanes32([0, 4, 1, 5]));
    c.set(bV).set(xV);
    for (const pick of [[0, 1, 4, 5], [2, 3, 6, 7]]) {
      c.get(xV).get(bV).emit(0xfd, 0x0d, ...lanes32(pick));
      c.zeroV();
      simd(0xb8); // i32x4.max_s
      c.get(lastV);
      simd(0xb6); // i32x4.min_s
    }
    simd(0x85); // i16x8.narrow_i32x4_s
    c.set(bV);
    c.get(pb).get(bV).emit(0xfd, 0x5b, 0, 0, 0); // v128.store64_lane 0
    c.get(pb).get(bV).emit(0xfd, 0x5b, 0, ...uleb(2 * BIN_BATCH), 1); // v128.store64_lane 1
    c.get(ps).get(sV).storeV128();
    c.get(ps).get(toMin).addI32().get(mnV).storeV128();
    c.get(ps).get(toMax).addI32().get(mxV).storeV128();
    if (t === 2) {
      c.get(pp).get(pp).loadI32().get(posV).emit(0xfd, 0x1d, 0).emit(0xa7).addI32().storeI32();
      c.get(pp).get(pp).loadI32(4).get(posV).emit(0xfd, 0x1d, 1).emit(0xa7).addI32();
      c.emit(0x36, 2, 4); // i32.store offset 4
      c.get(pp).i32(8).addI32().set(pp);
    }
    c.get(xp).i32(16).addI32().set(xp);
    c.get(ps).i32(16).addI32().set(ps);
    c.get(pb).i32(4 * BIN_BATCH).addI32().set(pb);
    c.emit(0x0c, 0, 0x0b, 0x0b);
    // The last ally when n is odd, as record() does it.
    c.when((y) => y.get(n).i32(1).emit(0x71), () => {
      c.get(ps).loadF64().set(sF);
      c.get(ps).get(toMin).addI32().loadF64().set(mnF);
      c.get(ps).get(toMax).addI32().loadF64().set(mxF);
      c.i32(0).set(pos);
      c.get(xp).set(addr);
      for (let j = 0; j < 4; j++) {
        c.get(addr).loadF64().set(x);
        if (j < 3) c.get(addr).get(laneBytes).addI32().set(addr);
        c.get(sF).get(x).addF64().set(sF);
        c.get(x).get(mnF).get(x).get(mnF).ltF64().select().set(mnF);
        c.get(x).get(mxF).get(x).get(mxF).gtF64().select().set(mxF);
        c.get(x).get(loV).lane(0).subF64().get(scV).lane(0).mulF64().truncF64().set(b);
        c.i32(0).get(b).get(b).i32(0).ltI32().select().set(b);
        c.get(last).get(b).get(b).get(last).gtI32().select().set(b);
        c.get(pb).get(b).storeI16(2 * j);
        if (t === 2) c.get(pos).get(x).f64(0).gtF64().addI32().set(pos);
      }
      c.get(ps).get(sF).storeF64();
      c.get(ps).get(toMin).addI32().get(mnF).storeF64();
      c.get(ps).get(toMax).addI32().get(mxF).storeF64();
      if (t === 2) c.get(pp).get(pp).loadI32().get(pos).addI32().storeI32();
    });
  });
  c.get(pBins).get(fill).i32(4).addI32().storeI32();
  c.when((y) => y.get(fill).i32(4).addI32().i32(BIN_BATCH).geI32(), flush);
  return c;
}

/** Byte offsets of the draw arguments (draws.ts writes them once a chunk; drawOne and weightBlock read them). */
export const ARGS = {
  n: 0, m: 4, mA: 8, stride: 12, kind: 16, pW0: 20, pTable: 24, pState: 28, pW4: 32, pScores: 36, pScoresT: 40, pExStart: 44, pExItem: 48,
  pAssets: 52, pLiabilities: 56, pNets: 60, pSums: 64, pMin: 68, pMax: 72, pTotals: 76, pPositive: 80, pOrder: 84, pBaseline: 88, pRankCounts: 92,
  bins: 96, pAbove: 100, weightsInKernel: 104, pBins: 108,
  low: 112, span: 120, ba: 128, bl: 136, lo0: 144, sc0: 152, lo1: 160, sc1: 168, lo2: 176, sc2: 184,
  pCounts: 192, pCellOf: 196, pBin: 200, pSince: 204, pList: 208, listLength: 212, done: 216, same: 220, totals: 224, pRanks: 228, pExOf: 232, pExPlan: 236, bytes: 240,
} as const;

/**
 * Push the record() call's arguments for lane `lane` (a local) from the arguments at local
 * pArgs; `counted`, a local, is 1 when totals4 has kept this draw's totals already.
 */
function recordCall(c: Code, pArgs: number, lane: number, recordIndex: number, counted?: number): void {
  const i = (off: number) => c.get(pArgs).loadI32(off);
  const f = (off: number) => c.get(pArgs).loadF64(off);
  c.get(lane);
  i(ARGS.n); i(ARGS.pAssets); i(ARGS.pLiabilities); i(ARGS.pNets); i(ARGS.pSums); i(ARGS.pMin); i(ARGS.pMax); i(ARGS.pTotals); i(ARGS.pPositive);
  i(ARGS.pOrder); i(ARGS.pBaseline); i(ARGS.pRankCounts);
  f(ARGS.lo0); f(ARGS.sc0); f(ARGS.lo1); f(ARGS.sc1); f(ARGS.lo2); f(ARGS.sc2);
  i(ARGS.bins); i(ARGS.pAbove); i(ARGS.totals);
  if (counted !== undefined) c.i32(0).get(counted).emit(0x45).select(); // counted ? 0 : totals
  i(ARGS.pBins); i(ARGS.pRanks);
  c.call(recordIndex);
}

/**
 * drawOne(pArgs) -> 1 when the ranking equals the baseline: one data or judgment draw after its
 * scores are written (draws.ts kernelRedrawBlock): its weights (weights4 with one lane, unless
 * JavaScript drew them: ARGS.weightsInKernel 0), nets1, record. One call instead of three.
 */
function drawOne(weights4Index: number, nets1Index: number, recordIndex: number): Code {
  const pArgs = 0;
  const c = new Code(1);
  const lane = c.local(I32);
  const i = (off: number) => c.get(pArgs).loadI32(off);
  const f = (off: number) => c.get(pArgs).loadF64(off);
  c.when(() => i(ARGS.weightsInKernel), () => {
    c.i32(1); i(ARGS.kind); i(ARGS.m); i(ARGS.pW0); i(ARGS.pTable); i(ARGS.pState); i(ARGS.pW4); f(ARGS.low); f(ARGS.span); c.i32(1);
    c.call(weights4Index);
  });
  i(ARGS.n); i(ARGS.stride); i(ARGS.m); i(ARGS.mA); i(ARGS.pScoresT); i(ARGS.pW4); i(ARGS.pExStart); i(ARGS.pExItem); i(ARGS.pAssets); i(ARGS.pLiabilities); i(ARGS.pNets);
  f(ARGS.ba); f(ARGS.bl);
  c.call(nets1Index);
  c.i32(0).set(lane);
  recordCall(c, pArgs, lane, recordIndex);
  return c;
}

/**
 * weightBlock(pArgs, count) -> the draws whose ranking equals the baseline: `count` weight
 * draws four at a time (draws.ts kernelBlock, the weights drawn in the kernel): weights4,
 * nets4, then record for each lane. One call for a block of draws.
 */
function weightBlock(weights4Index: number, nets4Index: number, recordIndex: number, totals4Index: number): Code {
  const [pArgs, count] = [0, 1];
  const c = new Code(2);
  const d = c.local(I32), lanes = c.local(I32), lane = c.local(I32), same = c.local(I32), four = c.local(I32);
  const i = (off: number) => c.get(pArgs).loadI32(off);
  const f = (off: number) => c.get(pArgs).loadF64(off);
  c.i32(0).set(same);
  c.i32(0).set(d);
  c.emit(0x02, 0x40, 0x03, 0x40);
  c.get(d).get(count).geI32().emit(0x0d, 1);
  // lanes = min(4, count - d)
  c.get(count).get(d).subI32().set(lanes);
  c.i32(4).get(lanes).get(lanes).i32(4).gtI32().select().set(lanes);
  c.get(lanes); i(ARGS.kind); i(ARGS.m); i(ARGS.pW0); i(ARGS.pTable); i(ARGS.pState); i(ARGS.pW4); f(ARGS.low); f(ARGS.span); c.i32(4);
  c.call(weights4Index);
  i(ARGS.n); i(ARGS.m); i(ARGS.mA); i(ARGS.pScores); i(ARGS.pW4); i(ARGS.pExOf); i(ARGS.pExPlan); i(ARGS.pAssets); i(ARGS.pLiabilities); i(ARGS.pNets);
  f(ARGS.ba); f(ARGS.bl);
  c.call(nets4Index);
  // A whole block's totals four draws at a time; then each draw's ranking.
  c.get(lanes).i32(4).eqI32().get(pArgs).loadI32(ARGS.totals).emit(0x71).set(four);
  c.when((z) => z.get(four), () => c.get(pArgs).call(totals4Index));
  c.for(lane, (z) => z.i32(0), (z) => z.get(lanes), () => {
    c.get(same);
    recordCall(c, pArgs, lane, recordIndex, four);
    c.addI32().set(same);
  });
  c.get(d).i32(4).addI32().set(d);
  c.emit(0x0c, 0, 0x0b, 0x0b);
  c.get(same);
  return c;
}

/**
 * redrawBlock(pArgs, now, count) -> 1 when it stopped at a draw whose kernel items need the
 * general path, else 0: `count` data and judgment draws whose items all redraw in the kernel
 * (redrawAll over ARGS.pList), each then drawOne, as draws.ts kernelRedrawBlock makes them.
 * ARGS.done gets the draws completed, ARGS.same those whose ranking equals the baseline; a
 * stopped draw (number `done`) has its kernel items drawn and awaits JavaScript.
 */
function redrawBlock(redrawAllIndex: number, drawOneIndex: number): Code {
  const [pArgs, now, count] = [0, 1, 2];
  const c = new Code(3);
  const d = c.local(I32), same = c.local(I32);
  const i = (off: number) => c.get(pArgs).loadI32(off);
  const finish = (done: number, stopped: number) => {
    c.get(pArgs).get(done).emit(0x36, 2, ...uleb(ARGS.done));
    c.get(pArgs).get(same).emit(0x36, 2, ...uleb(ARGS.same));
    c.i32(stopped).ret();
  };
  c.i32(0).set(same);
  c.for(d, (z) => z.i32(0), (z) => z.get(count), () => {
    i(ARGS.pList); i(ARGS.listLength); i(ARGS.pState); i(ARGS.pScoresT); i(ARGS.pCounts); i(ARGS.pCellOf); i(ARGS.pBin); i(ARGS.pSince);
    c.get(now).get(d).addI32();
    c.call(redrawAllIndex);
    c.when(() => undefined, () => finish(d, 1));
    c.get(same).get(pArgs).call(drawOneIndex).addI32().set(same);
  });
  finish(count, 0);
  c.i32(0);
  return c;
}

function moduleBytes(k: LogUniformConstants): Uint8Array<ArrayBuffer> {
  const types = [
    [0x60, ...vec(NETS4_PARAMS.map((t) => [t])), ...vec([])],
    [0x60, ...vec(RECORD_PARAMS.map((t) => [t])), ...vec([[I32]])],
    [0x60, ...vec(WEIGHTS4_PARAMS.map((t) => [t])), ...vec([])],
    [0x60, ...vec(NETS1_PARAMS.map((t) => [t])), ...vec([])],
    [0x60, ...vec(REDRAW_PARAMS.map((t) => [t])), ...vec([[I32]])],
    [0x60, ...vec(REDRAW_ALL_PARAMS.map((t) => [t])), ...vec([[I32]])],
    [0x60, ...vec(FINISH_PARAMS.map((t) => [t])), ...vec([])],
    [0x60, ...vec([[F64]]), ...vec([[F64]])],
    [0x60, ...vec([[I32]]), ...vec([[I32]])],
    [0x60, ...vec([[I32], [I32]]), ...vec([[I32]])],
    [0x60, ...vec([[I32], [I32], [I32]]), ...vec([[I32]])],
    [0x60, ...vec(FLUSH_PARAMS.map((t) => [t])), ...vec([])],
    [0x60, ...vec([[I32]]), ...vec([])],
    [0x60, ...vec([[I32], [I32], [I32]]), ...vec([])],
  ];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0], [1], [2], [3], [4], [5], [6], [7], [8], [9], [10], [11], [12], [13]])),
    ...section(7, vec([
      [...name('nets4'), 0x00, 0], [...name('record'), 0x00, 1], [...name('weights4'), 0x00, 2], [...name('nets1'), 0x00, 3], [...name('redrawItem'), 0x00, 4],
      [...name('redrawAll'), 0x00, 5], [...name('finishItem'), 0x00, 6], [...name('log10'), 0x00, 7],
      [...name('drawOne'), 0x00, 8], [...name('weightBlock'), 0x00, 9], [...name('redrawBlock'), 0x00, 10], [...name('flushBins'), 0x00, 11], [...name('totals4'), 0x00, 12], [...name('flushRanks'), 0x00, 13],
    ])),
    ...section(10, vec([nets4().body(), record(11, 13).body(), weights4(k).body(), nets1().body(), redrawItem(6, 7).body(), redrawAll(4).body(), finishItem().body(), log10().body(),
      drawOne(2, 3, 1).body(), weightBlock(2, 0, 1, 12).body(), redrawBlock(5, 8).body(), flushBins().body(), totals4(11).body(), flushRanks().body()])),
  ];
  return new Uint8Array(bytes);
}

export interface KernelExports {
  weights4(lanes: number, kind: number, m: number, pW0: number, pTable: number, pState: number, pW4: number, low: number, span: number, width: number): void;
  nets4(n: number, m: number, assetItems: number, pScores: number, pW4: number, pExOf: number, pExPlan: number, pAssets: number, pLiabilities: number, pNets: number, balanceAssets: number, balanceLiabilities: number): void;
  nets1(n: number, stride: number, m: number, assetItems: number, pScoresT: number, pW: number, pExStart: number, pExItem: number, pAssets: number, pLiabilities: number, pNets: number,
    balanceAssets: number, balanceLiabilities: number): void;
  redrawAll(pList: number, items: number, pState: number, pValues: number, pCounts: number, pCellOf: number, pBin: number, pSince: number, now: number): number;
  finishItem(pItem: number, mode: number, lo: number, hi: number, pValues: number, pCounts: number, pCellOf: number, pBin: number, pSince: number, now: number): void;
  log10(x: number): number;
  drawOne(pArgs: number): number;
  weightBlock(pArgs: number, count: number): number;
  redrawBlock(pArgs: number, now: number, count: number): number;
  redrawItem(pItem: number, pState: number, pValues: number, pCounts: number, pCellOf: number, pBin: number, pSince: number, now: number): number;
  record(lane: number, n: number, pAssets: number, pLiabilities: number, pNets: number, pSums: number, pMin: number, pMax: number, pTotals: number, pPositive: number,
    pOrder: number, pBaselineOrder: number, pRankCounts: number, lo0: number, sc0: number, lo1: number, sc1: number, lo2: number, sc2: number, bins: number, pAbove: number,
    totals: number, pBins: number, pRanks: number): number;
  flushBins(pBins: number, pTotals: number, rows: number, rowBytes: number): void;
  flushRanks(pRanks: number, pRankCounts: number, n: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is not available. */
export function kernelModule(k: LogUniformConstants): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = moduleBytes(k);
      compiled = typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** An instance with its own memory of at least `bytes` bytes. */
export function instantiateKernel(bytes: number, k: LogUniformConstants): { exports: KernelExports; memory: WebAssembly.Memory } | null {
  const module = kernelModule(k);
  if (!module) return null;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return { exports: instance.exports as unknown as KernelExports, memory };
}
