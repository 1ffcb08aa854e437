// Every chart downloadable as SVG and PNG, the file carrying what a reader needs to cite it:
// the chart's title, its source line, the address of the view and the date. The PNG is the
// same SVG drawn on a canvas (at twice the size, for print). Charts drawn with Plot get the
// buttons from usePlot (components/plot.ts) without asking; charts drawn as Preact SVG (the
// map, the network graph) put <ChartDownload> beside themselves.
import type { RefObject } from 'preact';
import { downloadBlob } from '../csv-export.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Style properties that CSS (the dashboard's or Plot's) sets and a standalone file must carry (all SVG presentation attributes). */
const INLINED = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'opacity', 'font-size', 'font-family', 'font-weight', 'vector-effect', 'paint-order'] as const;

export interface ChartMeta {
  title: string;
  /** "Source: ..." as the page states it under the chart. */
  source: string;
}

export type ChartFormat = 'svg' | 'png';

const today = () => new Date().toISOString().slice(0, 10);

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

/** The title and source line of a chart from its page: data-chart-title/-source on the host, else its figure's caption (its title in <strong>), the host's label and the figure's source line. */
export function chartMetaOf(host: Element): ChartMeta {
  const figure = host.closest('figure');
  const caption = figure?.querySelector(':scope > figcaption');
  const sourceLine = figure?.querySelector('.chart-source');
  const named = caption && caption !== sourceLine ? caption.querySelector('strong') : null;
  const title = clean(host.getAttribute('data-chart-title')) || clean(named?.parentElement === caption ? caption!.textContent : named?.textContent)
    || clean(host.getAttribute('aria-label')) || clean(caption && caption !== sourceLine ? caption.textContent : '') || clean(document.title);
  const source = clean(host.getAttribute('data-chart-source')) || clean(sourceLine?.textContent) || 'Source: Alliance Ledger, computed from its evidence base (every source on the Sources page)';
  return { title, source: /\bsources?:/i.test(source) ? source : `Source: ${source}` };
}

/** Greedy word wrap at about `chars` characters a line. */
function wrap(text: string, chars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function svgEl(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A copy of the chart whose look no longer depends on the page's style sheets. */
function standaloneCopy(svg: SVGSVGElement): SVGSVGElement {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const live = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copied = [copy, ...Array.from(copy.querySelectorAll('*'))];
  live.forEach((el, i) => {
    const target = copied[i];
    if (!(target instanceof SVGElement)) return;
    const style = getComputedStyle(el);
    // Presentation attributes, not a style attribute: the dashboard's policy forbids inline styles.
    for (const p of INLINED) {
      const v = style.getPropertyValue(p);
      if (v !== '' && v !== 'normal' && v !== 'auto') target.setAttribute(p, v);
    }
    for (const a of ['tabindex', 'role', 'aria-label', 'aria-hidden', 'aria-pressed', 'aria-describedby']) target.removeAttribute(a);
  });
  return copy;
}

/** Colour keys shown beside a chart (Plot's swatch legends), so the file keeps its legend. */
function legendOf(host: Element | null): { color: string; label: string }[] {
  if (!host) return [];
  return Array.from(host.querySelectorAll('[class$="-swatch"]')).map((s) => {
    const swatch = s.querySelector('svg');
    const color = swatch?.getAttribute('fill') ?? (swatch?.querySelector('rect') ? getComputedStyle(swatch.querySelector('rect')!).fill : '#999');
    return { color, label: clean(s.textContent) };
  }).filter((k) => k.label);
}

/** The chart as a standalone SVG file: title (and legend) above, source line, address and date below. */
export function composeChartSvg(svg: SVGSVGElement, meta: ChartMeta, legendHost: Element | null = null): { text: string; width: number; height: number } {
  const box = svg.viewBox.baseVal;
  const hasBox = box && box.width > 0 && box.height > 0;
  const width = Math.round(Number(svg.getAttribute('width')) || svg.clientWidth || (hasBox ? box.width : 600));
  const height = Math.round(hasBox ? (width * box.height) / box.width : Number(svg.getAttribute('height')) || svg.clientHeight || 300);
  const pad = 12;
  const outerWidth = Math.max(width + 2 * pad, 320);
  const titleLines = wrap(meta.title, Math.floor((outerWidth - 2 * pad) / 9.2));
  const legend = legendOf(legendHost);
  const footer = [...wrap(meta.source, Math.floor((outerWidth - 2 * pad) / 5.9)), ...wrap(`Alliance Ledger, ${location.href} (downloaded ${today()})`, Math.floor((outerWidth - 2 * pad) / 5.9))];
  let y = pad;
  const root = svgEl('svg', { xmlns: SVG_NS, width: outerWidth, height: 0, 'font-family': 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif' });
  root.append(svgEl('rect', { x: 0, y: 0, width: '100%', height: '100%', fill: '#ffffff' }));
  for (const line of titleLines) {
    y += 17;
    root.append(svgEl('text', { x: pad, y, 'font-size': 15, 'font-weight': 600, fill: '#1d2430' }, line));
  }
  if (legend.length) {
    y += 8;
    let x = pad;
    for (const k of legend) {
      const w = 16 + k.label.length * 6.2 + 12;
      if (x + w > outerWidth - pad && x > pad) {
        x = pad;
        y += 16;
      }
      root.append(svgEl('rect', { x, y, width: 11, height: 11, fill: k.color }));
      root.append(svgEl('text', { x: x + 15, y: y + 10, 'font-size': 11, fill: '#333' }, k.label));
      x += w;
    }
    y += 12;
  }
  y += 8;
  // The chart's own background (the map's sea), which its style sheet, not the SVG, gives it.
  const background = getComputedStyle(svg).backgroundColor;
  if (background && background !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(background)) root.append(svgEl('rect', { x: pad, y, width, height, fill: background }));
  const chart = standaloneCopy(svg);
  chart.setAttribute('x', String(pad));
  chart.setAttribute('y', String(y));
  chart.setAttribute('width', String(width));
  chart.setAttribute('height', String(height));
  chart.removeAttribute('class');
  root.append(chart);
  y += height + 4;
  for (const line of footer) {
    y += 14;
    root.append(svgEl('text', { x: pad, y, 'font-size': 11, fill: '#4a5260' }, line));
  }
  const total = Math.ceil(y + pad);
  root.setAttribute('height', String(total));
  root.setAttribute('viewBox', `0 0 ${outerWidth} ${total}`);
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(root)}`, width: outerWidth, height: total };
}


function fileName(title: string, format: ChartFormat): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'chart';
  return `${slug}-${today()}.${format}`;
}

/** Download a chart as SVG or PNG (the PNG drawn from the same SVG through a canvas, 2x). */
export async function downloadChart(svg: SVGSVGElement, meta: ChartMeta, format: ChartFormat, legendHost: Element | null = null): Promise<void> {
  const { text, width, height } = composeChartSvg(svg, meta, legendHost);
  if (format === 'svg') {
    downloadBlob(new Blob([text], { type: 'image/svg+xml' }), fileName(meta.title, 'svg'));
    return;
  }
  // A data: URL (the dashboard's policy allows data: images, not blob: ones).
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await image.decode();
  const scale = 2;
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot draw on a canvas');
  context.scale(scale, scale);
  context.drawImage(image, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the PNG could not be made');
  downloadBlob(blob, fileName(meta.title, 'png'));
}

/** The largest SVG in a chart host (Plot returns a figure with swatch legends beside the plot). */
export function mainSvg(host: Element | null): SVGSVGElement | null {
  if (!host) return null;
  if (host instanceof SVGSVGElement) return host;
  let best: SVGSVGElement | null = null;
  let area = -1;
  for (const s of Array.from(host.querySelectorAll('svg'))) {
    if (s.parentElement?.closest('svg')) continue;
    const a = (Number(s.getAttribute('width')) || s.clientWidth) * (Number(s.getAttribute('height')) || s.clientHeight);
    if (a > area) {
      area = a;
      best = s;
    }
  }
  return best;
}

function report(e: unknown): void {
  console.warn('chart download failed:', e);
  alert(`The chart could not be downloaded: ${e instanceof Error ? e.message : String(e)}`);
}

/** The two buttons as plain DOM, for charts whose host is filled outside Preact (usePlot). */
export function chartDownloadToolbar(host: Element): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'chart-download';
  for (const format of ['svg', 'png'] as const) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = `${format.toUpperCase()} ↓`;
    button.dataset.format = format;
    button.setAttribute('aria-label', `Download the chart "${chartMetaOf(host).title}" as ${format.toUpperCase()}`);
    button.addEventListener('click', () => {
      const svg = mainSvg(host);
      if (svg) downloadChart(svg, chartMetaOf(host), format, host).catch(report);
    });
    bar.append(button);
  }
  return bar;
}

/** Put the download buttons right after a chart host (once). */
export function attachChartDownload(host: HTMLElement): void {
  const next = host.nextElementSibling;
  if (next?.classList.contains('chart-download')) next.remove();
  host.after(chartDownloadToolbar(host));
}

/** The buttons for a chart drawn as Preact SVG: `target` is the <svg>; title and source as the page states them. */
export function ChartDownload({ target, title, source }: { target: RefObject<SVGSVGElement | null>; title: string; source: string }) {
  const run = (format: ChartFormat) => {
    if (target.current) downloadChart(target.current, { title, source: /\bsources?:/i.test(source) ? source : `Source: ${source}` }, format).catch(report);
  };
  return (
    <div class="chart-download">
      <button type="button" data-format="svg" aria-label={`Download the chart "${title}" as SVG`} onClick={() => run('svg')}>SVG ↓</button>
      <button type="button" data-format="png" aria-label={`Download the chart "${title}" as PNG`} onClick={() => run('png')}>PNG ↓</button>
    </div>
  );
}
