// The hot loops of the robustness draws as WebAssembly (SIMD). Weight draws: the nets of four
// draws at once (nets4), then, per draw, the sums, extremes, histograms, P(net > 0), the
// ranking and the rank counts (record). Data and judgment draws: each item's triangular
// draws, normalization and scores (redrawAll, redrawItem, finishItem), then the nets of the
// draw's own scores (nets1) and record. JavaScript spends about ten machine instructions per multiply-add on typed-array
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
  f64(v: number): this {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    return this.emit(0x44, ...b);
  }

  // Memory (alignment hints: 2^2 for i32, 2^3 for f64, 2^4 for v128; offset 0).
  loadI32(offset = 0): this { return this.emit(0x28, 2, ...uleb(offset)); }
  storeI32(): this { return this.emit(0x36, 2, 0); }
  loadF64(offset = 0): this { return this.emit(0x2b, 3, ...uleb(offset)); }
  storeF64(offset = 0): this { return this.emit(0x39, 3, ...uleb(offset)); }
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
 * nets4(n, m, assetItems, pScores, pW4, pExStart, pExItem, pAssets, pLiabilities, pNets,
 * balanceAssets, balanceLiabilities): netsBatch of robustness.ts.
 */
function nets4(): Code {
  const [n, m, mA, pS, pW, pExs, pExi, pA, pL, pN, ba, bl] = NETS4_PARAMS.map((_, i) => i);
  const c = new Code(NETS4_PARAMS.length);
  const a = c.local(I32), e = c.local(I32), w = c.local(I32), item = c.local(I32), sp = c.local(I32), wp = c.local(I32), end = c.local(I32), out = c.local(I32);
  const wa01 = c.local(V128), wa23 = c.local(V128), wl01 = c.local(V128), wl23 = c.local(V128);
  const x01 = c.local(V128), x23 = c.local(V128), y01 = c.local(V128), y23 = c.local(V128);
  const d01 = c.local(V128), d23 = c.local(V128), e01 = c.local(V128), e23 = c.local(V128), s = c.local(V128);
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
  c.get(pS).set(sp);
  c.for(a, (x) => x.i32(0), (x) => x.get(n), () => {
    zero(x01, x23, y01, y23);
    // The ally's scores run on from sp, its weights from pW, item by item.
    c.get(pW).set(wp);
    const dot = (to: number, acc01: number, acc23: number) => {
      c.at(pW, (x) => x.get(to), 32).set(end);
      overWeights(() => {
        c.get(sp).loadF64().splat().set(s);
        c.get(acc01).get(wp).loadV128().get(s).mulV().addV().set(acc01);
        c.get(acc23).get(wp).loadV128(16).get(s).mulV().addV().set(acc23);
        c.get(sp).i32(8).addI32().set(sp);
      });
    };
    dot(mA, x01, x23);
    dot(m, y01, y23);
    // An excluded item's weight leaves the ally's side.
    c.get(wa01).set(d01).get(wa23).set(d23).get(wl01).set(e01).get(wl23).set(e23);
    c.for(e, (x) => x.at(pExs, (y) => y.get(a), 4).loadI32(), (x) => x.at(pExs, (y) => y.get(a).i32(1).addI32(), 4).loadI32(), () => {
      c.at(pExi, (x) => x.get(e), 4).loadI32().set(item);
      c.at(pW, (x) => x.get(item), 32).set(w);
      c.when((x) => x.get(item).get(mA).ltI32(), () => {
        c.get(d01).get(w).loadV128().subV().set(d01);
        c.get(d23).get(w).loadV128(16).subV().set(d23);
      }, () => {
        c.get(e01).get(w).loadV128().subV().set(e01);
        c.get(e23).get(w).loadV128(16).subV().set(e23);
      });
    });
    c.get(ba).splat().get(x01).mulV().get(d01).divV().set(x01);
    c.get(ba).splat().get(x23).mulV().get(d23).divV().set(x23);
    c.get(bl).splat().get(y01).mulV().get(e01).divV().set(y01);
    c.get(bl).splat().get(y23).mulV().get(e23).divV().set(y23);
    // Lane j goes to [j * n + a]: lanes 0 and 1 are the two halves of x01/y01, 2 and 3 of x23/y23.
    c.get(a).i32(3).shlI32().set(out);
    for (const [pair, idx] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
      const xs = pair === 0 ? x01 : x23;
      const ys = pair === 0 ? y01 : y23;
      const slot = (base: number) => c.get(base).get(out).addI32();
      slot(pA).get(xs).lane(idx).storeF64();
      slot(pL).get(ys).lane(idx).storeF64();
      slot(pN).get(xs).lane(idx).get(ys).lane(idx).subF64().storeF64();
      c.get(out).get(n).i32(3).shlI32().addI32().set(out);
    }
  });
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
  // Two allies at a time: the raw sums go to pAssets and pLiabilities.
  c.for(pair, (z) => z.i32(0), (z) => z.get(n).i32(1).addI32().i32(1).shrI32(), () => {
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
  scaled: 52, cols: 56, count: 60, lo: 64, hi: 72, fixedMin: 80, fixedMax: 88, lastLo: 96, lastHi: 104, uniforms: 112, ok: 116, bytes: 128,
} as const;

/** ITEM.how: an affine item, a min-max item, or one whose uniforms the kernel only draws (JavaScript applies them). */
export const HOW = { affine: 0, minmax: 1, uniforms: 2 } as const;

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
function redrawItem(finishIndex: number): Code {
  const [pItem, pState, pValues, pCounts, pCellOf, pBin, pSince, now] = REDRAW_PARAMS.map((_, i) => i);
  const c = new Code(REDRAW_PARAMS.length);
  const k = c.local(I32), how = c.local(I32), pTri = c.local(I32), pRaw = c.local(I32), pDrawn = c.local(I32), pOut = c.local(I32);
  const r = c.local(I32), o = c.local(I32), s0 = c.local(I32), s1 = c.local(I32), s2 = c.local(I32), s3 = c.local(I32), res = c.local(I32), t = c.local(I32), defined = c.local(I32);
  const u = c.local(F64), v = c.local(F64);
  const field = (off: number) => c.get(pItem).loadI32(off);
  field(ITEM.k).set(k);
  field(ITEM.how).set(how);
  field(ITEM.tri).set(pTri);
  field(ITEM.drawnRaw).set(pRaw);
  field(ITEM.drawn).set(pDrawn);
  [s0, s1, s2, s3].forEach((l, w) => c.get(pState).loadI32(4 * w).set(l));
  const saveState = () => [s0, s1, s2, s3].forEach((l, w) => c.get(pState).i32(4 * w).addI32().get(l).storeI32());
  const uniform = () => nextUniform(c, [s0, s1, s2, s3], res, t, u);
  c.when((z) => z.get(how).i32(HOW.uniforms).eqI32(), () => {
    field(ITEM.uniforms).set(pOut);
    c.for(r, (z) => z.i32(0), (z) => z.get(k), () => {
      uniform();
      c.at(pOut, (z) => z.get(r), 8).get(u).storeF64();
    });
    saveState();
    c.i32(1).ret();
  });
  c.i32(1).set(defined);
  c.for(r, (z) => z.i32(0), (z) => z.get(k), () => {
    uniform();
    // Triangular: split, low, span, below, high, above (redraw.ts, TRI)
    c.get(pTri).get(r).i32(48).mulI32().addI32().set(o);
    // Both sides computed, one kept: a select costs less than a branch taken at random.
    c.get(o).loadF64(8).get(u).get(o).loadF64(16).mulF64().get(o).loadF64(24).mulF64().sqrtF64().addF64();
    c.get(o).loadF64(32).f64(1).get(u).subF64().get(o).loadF64(16).mulF64().get(o).loadF64(40).mulF64().sqrtF64().subF64();
    c.get(u).get(o).loadF64().ltF64().select().set(v);
    // A linear scale: the drawn value is what is normalized.
    c.at(pRaw, (z) => z.get(r), 8).get(v).storeF64();
    c.at(pDrawn, (z) => z.get(r), 8).get(v).storeF64();
    c.when((z) => z.get(v).get(v).neF64(), () => c.i32(0).set(defined));
  });
  saveState();
  c.when((z) => z.get(defined).emit(0x45), () => {
    c.get(pItem).f64(Number.NaN).storeF64(ITEM.lastLo);
    c.i32(0).ret();
  });
  c.get(pItem).get(how).f64(0).f64(0).get(pValues).get(pCounts).get(pCellOf).get(pBin).get(pSince).get(now).call(finishIndex);
  c.i32(1);
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
  const sv = c.local(F64), lo = c.local(F64), hi = c.local(F64), range = c.local(F64), x = c.local(F64);
  const field = (off: number) => c.get(pItem).loadI32(off);
  field(ITEM.k).set(k);
  field(ITEM.invert).set(invert);
  field(ITEM.drawn).set(pDrawn);
  /** put(slot, x): the score, and its histogram run. */
  const put = () => {
    c.get(pValues).get(slot).i32(3).shlI32().addI32().get(x).storeF64();
    c.when((z) => z.get(pCounts), () => {
      c.get(x).f64(100).divF64().f64(200).mulF64().floorF64().truncF64().set(b);
      c.i32(0).get(b).get(b).i32(0).ltI32().select().set(b);
      c.i32(199).get(b).get(b).i32(199).gtI32().select().set(b);
      c.at(pBin, (z) => z.get(slot), 4).loadI32().set(was);
      c.when((z) => z.get(b).get(was).neI32(), () => {
        c.get(pCounts).at(pCellOf, (z) => z.get(slot), 4).loadI32().i32(200).mulI32().get(was).addI32().i32(2).shlI32().addI32().tee(addr);
        c.get(addr).loadI32().get(now).addI32().at(pSince, (z) => z.get(slot), 4).loadI32().subI32().storeI32();
        c.at(pBin, (z) => z.get(slot), 4).get(b).storeI32();
        c.at(pSince, (z) => z.get(slot), 4).get(now).storeI32();
      });
    });
  };
  const inverted = () => c.when((z) => z.get(invert), () => c.f64(100).get(x).subF64().set(x));
  const drawn = (z: Code) => z.at(pDrawn, (q) => q.get(r), 8).loadF64();
  c.when((z) => z.get(mode).i32(FINISH.affine).eqI32(), () => {
    // Affine: only the drawn allies' scores.
    c.get(pItem).loadF64(ITEM.lo).set(lo);
    c.get(pItem).loadF64(ITEM.hi).get(lo).subF64().set(range);
    field(ITEM.rangedSlot).set(pSlot);
    c.for(r, (z) => z.i32(0), (z) => z.get(k), () => {
      c.at(pSlot, (z) => z.get(r), 4).loadI32().set(slot);
      c.when((z) => z.get(slot).i32(0).geI32(), () => {
        c.f64(100).f64(0);
        drawn(c);
        c.get(lo).subF64().get(range).divF64().f64(100).mulF64().maxF64().minF64().set(x);
        inverted();
        put();
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
    c.for(r, (z) => z.i32(0), (z) => z.get(k), () => {
      c.at(pSlot, (z) => z.get(r), 4).loadI32().set(slot);
      c.when((z) => z.get(slot).i32(0).geI32(), () => score(drawn));
    });
    c.ret();
  });
  c.get(pItem).get(lo).storeF64(ITEM.lastLo);
  c.get(pItem).get(hi).storeF64(ITEM.lastHi);
  field(ITEM.scaled).set(pScaled);
  field(ITEM.cols).set(pCol);
  c.for(r, (z) => z.i32(0), (z) => z.get(k), () => {
    c.at(pScaled, (z) => z.at(pCol, (q) => q.get(r), 4).loadI32(), 8);
    drawn(c);
    c.storeF64();
  });
  field(ITEM.liveSlot).set(pSlot);
  field(ITEM.liveCol).set(pCol);
  c.for(i, (z) => z.i32(0), () => field(ITEM.live), () => {
    c.at(pSlot, (z) => z.get(i), 4).loadI32().set(slot);
    score((z) => z.at(pScaled, (q) => q.at(pCol, (w) => w.get(i), 4).loadI32(), 8).loadF64());
  });
  field(ITEM.deadSlot).set(pSlot);
  c.for(i, (z) => z.i32(0), () => field(ITEM.dead), () => {
    c.at(pSlot, (z) => z.get(i), 4).loadI32().set(slot);
    c.f64(0).set(x);
    put();
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

const WEIGHTS4_PARAMS = [I32, I32, I32, I32, I32, I32, I32, F64, F64];

/** The constants of the log-uniform formula (draws.ts: logUniform). */
export interface LogUniformConstants {
  steps: number;
  c2: number;
  c3: number;
  c4: number;
  c5: number;
}

/**
 * weights4(lanes, kind, m, pW0, pTable, pState, pW4, low, span): the weights of four draws,
 * lane-interleaved, as drawWeights in draws.ts makes them: kind 0 fixed (the defaults),
 * 1 log-uniform multipliers (span = the table's step), 2 uniform multipliers in
 * [low, low + span]. Lanes from `lanes` on get the defaults. The xoshiro128** state lives at
 * pState and is advanced exactly as random.ts advances it.
 */
function weights4(k: LogUniformConstants): Code {
  const [lanes, kind, m, pW0, pTable, pState, pW4, low, span] = WEIGHTS4_PARAMS.map((_, i) => i);
  const c = new Code(WEIGHTS4_PARAMS.length);
  const j = c.local(I32), item = c.local(I32), s0 = c.local(I32), s1 = c.local(I32), s2 = c.local(I32), s3 = c.local(I32);
  const t = c.local(I32), idx = c.local(I32), res = c.local(I32);
  const u = c.local(F64), x = c.local(F64), tt = c.local(F64), mult = c.local(F64);
  const word = (local: number, i: number, store: boolean) => {
    if (store) c.get(pState).i32(4 * i).addI32().get(local).storeI32();
    else c.get(pState).i32(4 * i).addI32().loadI32().set(local);
  };
  [s0, s1, s2, s3].forEach((l, i) => word(l, i, false));
  c.for(j, (y) => y.i32(0), (y) => y.i32(4), () => {
    c.for(item, (y) => y.i32(0), (y) => y.get(m), () => {
      c.f64(1).set(mult);
      c.when((y) => y.get(j).get(lanes).ltI32().get(kind).i32(0).neI32().emit(0x71), () => {
        nextUniform(c, [s0, s1, s2, s3], res, t, u);
        c.when((y) => y.get(kind).i32(1).eqI32(), () => {
          c.get(u).f64(k.steps).mulF64().tee(x).truncF64().set(idx);
          c.get(x).get(idx).fromI32().subF64().get(span).mulF64().set(tt);
          // table[idx] * (1 + tt * (1 + tt * (c2 + tt * (c3 + tt * (c4 + tt * c5)))))
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
        }, () => {
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

const RECORD_PARAMS = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, I32];

/**
 * record(lane, n, pAssets, pLiabilities, pNets, pSums, pMin, pMax, pTotals, pPositive,
 * pOrder, pBaselineOrder, pRankCounts, lo0, sc0, lo1, sc1, lo2, sc2, bins) -> 1 when the
 * ranking equals the baseline: the per-draw bookkeeping of drawBlock in robustness.ts.
 */
function record(): Code {
  const [laneP, n, pA, pL, pN, pSums, pMin, pMax, pTot, pPos, pOrder, pBase, pRank, lo0, sc0, lo1, sc1, lo2, sc2, bins] = RECORD_PARAMS.map((_, i) => i);
  const c = new Code(RECORD_PARAMS.length);
  const a = c.local(I32), b = c.local(I32), i = c.local(I32), k = c.local(I32), cur = c.local(I32), o = c.local(I32);
  const same = c.local(I32), r = c.local(I32), addr = c.local(I32), last = c.local(I32);
  const xp = c.local(I32), sp = c.local(I32), tp = c.local(I32), nets = c.local(I32);
  const streamBytes = c.local(I32), rowBytes = c.local(I32), toMin = c.local(I32), toMax = c.local(I32), toL = c.local(I32), toN = c.local(I32);
  const ps = c.local(I32), pt = c.local(I32), tableBytes = c.local(I32);
  const x = c.local(F64), v = c.local(F64), vo = c.local(F64);
  // Pointers walk the allies: xp over this lane's assets (liabilities and nets at fixed
  // distances), sp over the sums (extremes at fixed distances), tp over the histogram rows.
  c.get(bins).i32(1).subI32().set(last);
  c.get(n).i32(3).shlI32().set(streamBytes);
  c.get(bins).i32(2).shlI32().set(rowBytes);
  c.get(n).get(rowBytes).mulI32().set(tableBytes);
  c.get(pMin).get(pSums).subI32().set(toMin);
  c.get(pMax).get(pSums).subI32().set(toMax);
  c.get(pL).get(pA).subI32().set(toL);
  c.get(pN).get(pA).subI32().set(toN);
  c.get(laneP).get(n).mulI32().i32(3).shlI32().tee(xp).get(pN).addI32().set(nets);
  c.get(xp).get(pA).addI32().set(xp);
  c.get(pSums).set(sp);
  c.get(pTot).set(tp);
  c.for(a, (y) => y.i32(0), (y) => y.get(n), () => {
    for (const [t, lo, sc] of [[0, lo0, sc0], [1, lo1, sc1], [2, lo2, sc2]] as const) {
      // x = assets / liabilities / nets of the ally in this lane
      c.get(xp);
      if (t === 1) c.get(toL).addI32();
      if (t === 2) c.get(toN).addI32();
      c.loadF64().set(x);
      // ps, pt: the stream's sums and histogram row, one stream further on each time
      if (t === 0) c.get(sp).set(ps).get(tp).set(pt);
      else c.get(ps).get(streamBytes).addI32().set(ps).get(pt).get(tableBytes).addI32().set(pt);
      c.get(ps).get(ps).loadF64().get(x).addF64().storeF64();
      // bin = clamp(trunc((x - lo) * sc), 0, last), branch-free
      c.get(x).get(lo).subF64().get(sc).mulF64().truncF64().set(b);
      c.i32(0).get(b).get(b).i32(0).ltI32().emit(0x1b).set(b);
      c.get(last).get(b).get(b).get(last).gtI32().emit(0x1b).set(b);
      c.get(pt).get(b).i32(2).shlI32().addI32().tee(addr).get(addr).loadI32().i32(1).addI32().storeI32();
      c.get(ps).get(toMin).addI32().set(addr);
      c.when((y) => y.get(x).get(addr).loadF64().ltF64(), () => c.get(addr).get(x).storeF64());
      c.get(ps).get(toMax).addI32().set(addr);
      c.when((y) => y.get(x).get(addr).loadF64().gtF64(), () => c.get(addr).get(x).storeF64());
      if (t === 2) {
        c.when((y) => y.get(x).f64(0).gtF64(), () => {
          c.at(pPos, (y) => y.get(a), 4).tee(addr).get(addr).loadI32().i32(1).addI32().storeI32();
        });
      }
    }
    c.get(xp).i32(8).addI32().set(xp);
    c.get(sp).i32(8).addI32().set(sp);
    c.get(tp).get(rowBytes).addI32().set(tp);
  });
  // Insertion sort of the order by net, descending, ties by index, from the previous draw's
  // order (the caller sets the baseline order at the start of a chunk): nearly sorted, so
  // close to linear. The order is total (ties by index), so the result does not depend on
  // where the sort starts: the same ranking as sorting from the baseline every draw.
  const netOf = (who: number) => c.get(nets).get(who).i32(3).shlI32().addI32().loadF64();
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
  // Rank counts, and whether the ranking equals the baseline.
  c.i32(1).set(same);
  c.for(r, (y) => y.i32(0), (y) => y.get(n), () => {
    c.at(pOrder, (y) => y.get(r), 4).loadI32().set(a);
    c.at(pRank, (y) => y.get(a).get(n).mulI32().get(r).addI32(), 4).tee(addr).get(addr).loadI32().i32(1).addI32().storeI32();
    c.when((y) => y.get(a).at(pBase, (z) => z.get(r), 4).loadI32().neI32(), () => c.i32(0).set(same));
  });
  c.get(same);
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
  ];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0], [1], [2], [3], [4], [5], [6]])),
    ...section(7, vec([
      [...name('nets4'), 0x00, 0], [...name('record'), 0x00, 1], [...name('weights4'), 0x00, 2], [...name('nets1'), 0x00, 3], [...name('redrawItem'), 0x00, 4],
      [...name('redrawAll'), 0x00, 5], [...name('finishItem'), 0x00, 6],
    ])),
    ...section(10, vec([nets4().body(), record().body(), weights4(k).body(), nets1().body(), redrawItem(6).body(), redrawAll(4).body(), finishItem().body()])),
  ];
  return new Uint8Array(bytes);
}

export interface KernelExports {
  weights4(lanes: number, kind: number, m: number, pW0: number, pTable: number, pState: number, pW4: number, low: number, span: number): void;
  nets4(n: number, m: number, assetItems: number, pScores: number, pW4: number, pExStart: number, pExItem: number, pAssets: number, pLiabilities: number, pNets: number, balanceAssets: number, balanceLiabilities: number): void;
  nets1(n: number, stride: number, m: number, assetItems: number, pScoresT: number, pW: number, pExStart: number, pExItem: number, pAssets: number, pLiabilities: number, pNets: number,
    balanceAssets: number, balanceLiabilities: number): void;
  redrawAll(pList: number, items: number, pState: number, pValues: number, pCounts: number, pCellOf: number, pBin: number, pSince: number, now: number): number;
  finishItem(pItem: number, mode: number, lo: number, hi: number, pValues: number, pCounts: number, pCellOf: number, pBin: number, pSince: number, now: number): void;
  redrawItem(pItem: number, pState: number, pValues: number, pCounts: number, pCellOf: number, pBin: number, pSince: number, now: number): number;
  record(lane: number, n: number, pAssets: number, pLiabilities: number, pNets: number, pSums: number, pMin: number, pMax: number, pTotals: number, pPositive: number,
    pOrder: number, pBaselineOrder: number, pRankCounts: number, lo0: number, sc0: number, lo1: number, sc1: number, lo2: number, sc2: number, bins: number): number;
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
