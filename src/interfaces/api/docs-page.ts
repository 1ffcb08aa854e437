// /docs: the OpenAPI document rendered as one self-contained HTML page (no scripts, nothing
// fetched from the internet), so the API reference works offline like the rest of the app.

interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  example?: unknown;
  schema?: SchemaObject;
}

interface SchemaObject {
  type?: string;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  description?: string;
  example?: unknown;
  $ref?: string;
  anyOf?: SchemaObject[];
}

interface OperationObject {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: ParameterObject[];
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, OperationObject>>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

function schemaSummary(schema: SchemaObject | undefined): string {
  if (!schema) return '';
  if (schema.$ref) return schema.$ref.split('/').pop() ?? '';
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(schemaSummary).join(' | ');
  const range = schema.minimum !== undefined || schema.maximum !== undefined ? ` ${schema.minimum ?? ''}..${schema.maximum ?? ''}` : '';
  return `${schema.type ?? 'any'}${range}${schema.pattern ? ` /${schema.pattern}/` : ''}`;
}

function exampleUrl(path: string, op: OperationObject): string | null {
  let url = path;
  for (const p of op.parameters ?? []) {
    if (p.in !== 'path') continue;
    const example = p.example ?? p.schema?.example;
    if (example === undefined) return null;
    url = url.replace(`{${p.name}}`, encodeURIComponent(String(example)));
  }
  const query = (op.parameters ?? [])
    .filter((p) => p.in === 'query' && (p.example ?? p.schema?.example) !== undefined)
    .map((p) => `${p.name}=${encodeURIComponent(String(p.example ?? p.schema?.example))}`);
  return query.length ? `${url}?${query.join('&')}` : url;
}

function operationSection(path: string, method: string, op: OperationObject): string {
  const id = `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, '-');
  const params = op.parameters ?? [];
  const example = method === 'get' ? exampleUrl(path, op) : null;
  const rows = params.map((p) => `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : ''}</td><td><code>${escapeHtml(schemaSummary(p.schema))}</code></td><td>${escapeHtml(p.description ?? p.schema?.description ?? '')}</td></tr>`).join('');
  const responses = Object.entries(op.responses ?? {}).map(([status, r]) =>
    `<li><strong>${status}</strong> ${escapeHtml(r.description ?? '')}${r.content ? ` <span class="media">${Object.keys(r.content).map(escapeHtml).join(', ')}</span>` : ''}</li>`).join('');
  return `<section id="${id}">
<h3><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p class="summary">${escapeHtml(op.summary ?? '')}</p>
${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}
${params.length ? `<table><thead><tr><th>parameter</th><th>in</th><th>required</th><th>type</th><th>description</th></tr></thead><tbody>${rows}</tbody></table>` : ''}
<ul class="responses">${responses}</ul>
${example ? `<p>Try: <a href="${escapeHtml(example)}">${escapeHtml(example)}</a></p>` : ''}
</section>`;
}

/** The page's one inline style: the Content-Security-Policy of /docs allows exactly this text (by hash). */
export const DOCS_STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2430;display:grid;grid-template-columns:18rem 1fr}
nav{position:sticky;top:0;height:100vh;overflow:auto;padding:1rem;background:#f4f5f7;border-right:1px solid #dde}
nav ul{list-style:none;padding-left:.6rem;margin:.2rem 0}nav a{color:#1d4f91;text-decoration:none;font-size:13px}
main{padding:1rem 2rem;max-width:60rem}section{border-top:1px solid #e3e5ea;padding:.5rem 0}
.method{display:inline-block;background:#1d4f91;color:#fff;border-radius:3px;padding:0 .4rem;font-size:13px}
table{border-collapse:collapse;font-size:14px;margin:.5rem 0}td,th{border:1px solid #dde;padding:.2rem .5rem;text-align:left;vertical-align:top}
.summary{font-weight:600}.media{color:#667;font-size:13px}code{font-size:13px}
`;

export function renderDocsPage(doc: OpenApiDocument): string {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const tags = [...new Set(operations.map((o) => o.op.tags?.[0] ?? 'Other'))];
  const toc = tags.map((tag) => `<li>${escapeHtml(tag)}<ul>${operations.filter((o) => (o.op.tags?.[0] ?? 'Other') === tag)
    .map((o) => `<li><a href="#${`${o.method}-${o.path}`.replace(/[^a-zA-Z0-9]+/g, '-')}">${o.method.toUpperCase()} ${escapeHtml(o.path)}</a></li>`).join('')}</ul></li>`).join('');
  const body = tags.map((tag) => `<h2>${escapeHtml(tag)}</h2>${operations.filter((o) => (o.op.tags?.[0] ?? 'Other') === tag).map((o) => operationSection(o.path, o.method, o.op)).join('\n')}`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)}: API reference</title><link rel="icon" href="data:,">
<style>${DOCS_STYLE}</style></head>
<body><nav><strong>${escapeHtml(doc.info.title)}</strong><br><small>version ${escapeHtml(doc.info.version)}</small>
<p><a href="/openapi.json">openapi.json</a> · <a href="/">dashboard</a></p><ul>${toc}</ul></nav>
<main><h1>${escapeHtml(doc.info.title)}</h1><p>${escapeHtml(doc.info.description ?? '')}</p>
${body}</main></body></html>
`;
}
