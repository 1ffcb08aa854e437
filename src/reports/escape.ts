// Text that reaches a report from files (judgment rationales, scenario descriptions, notes,
// source titles, country names) is data, never markup. The `html` template tag escapes every
// interpolated value unless it is an Html fragment built by this module; the only way to put
// raw markup in is `trusted()`, which the renderers use for the SVG the chart builders draw.
// Markdown has the same rule through escapeMarkdown.

export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

export type HtmlPart = Html | string | number | null | undefined | false | readonly HtmlPart[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function render(part: HtmlPart): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.markup;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/** Markup with every interpolated value escaped (arrays are joined, null and false dropped). */
export function html(strings: TemplateStringsArray, ...values: HtmlPart[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Markup this program generated itself (chart SVG); never file or user text. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** A value for an id or href fragment: letters, digits, dash, dot, underscore. */
export function anchorId(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Text for Markdown. Markdown passes inline HTML through, so < > & become entities; the
 * characters that start emphasis, links, code, headings and table cells are backslashed;
 * line breaks become spaces (a table row is one line).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_{}[\]|~]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => ENTITIES[c])
    .replace(/^(\s*)([-+#=]|\d+\.)/, (_m, sp: string, lead: string) => `${sp}\\${lead}`);
}

/** A string for a CSS `content:` value. */
export function cssString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')}"`;
}
