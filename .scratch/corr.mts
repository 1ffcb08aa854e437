import { readFileSync } from 'node:fs';
const r = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const y of ['2000', '2024']) {
  const allies = r[y];
  const items = Object.keys(allies[0].lines);
  const out: [number, string][] = [];
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
    const xs: number[] = [], ys: number[] = [];
    for (const a of allies) { const p = a.lines[items[i]].score, q = a.lines[items[j]].score; if (p !== null && q !== null) { xs.push(p); ys.push(q); } }
    if (xs.length < 8) continue;
    const mx = xs.reduce((s, v) => s + v, 0) / xs.length, my = ys.reduce((s, v) => s + v, 0) / ys.length;
    let sxy = 0, sxx = 0, syy = 0; xs.forEach((x, k) => { sxy += (x - mx) * (ys[k] - my); sxx += (x - mx) ** 2; syy += (ys[k] - my) ** 2; });
    const c = sxy / Math.sqrt(sxx * syy);
    if (Math.abs(c) > 0.7) out.push([c, `${items[i]} ~ ${items[j]} (n=${xs.length})`]);
  }
  out.sort((a, b) => Math.abs(b[0]) - Math.abs(a[0]));
  console.log(y); for (const [c, s] of out) console.log(' ', c.toFixed(3), s);
}
