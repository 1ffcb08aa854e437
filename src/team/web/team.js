// The team page: sign-in, rounds, "my ratings" for a round, the spread of ratings per item as
// a chart, the round's progress for editors (close, publish), the judgment lines of a ledger
// under the published set, the team library (methodologies and scenarios: editors add, revise
// and delete them, everyone reads them and runs the scenarios), and the audit trail. Plain DOM against /api/team (no build step);
// writes carry the session's CSRF token in X-CSRF-Token.
/* global document, fetch, window, URLSearchParams, FormData */

const $ = (sel) => document.querySelector(sel);
const SVG = 'http://www.w3.org/2000/svg';
let me = null;
let csrf = null;
let current = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function say(text, error = false) {
  const m = $('#message');
  m.textContent = text;
  m.className = error ? 'error' : '';
}

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const data = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const err = new Error(data.message ?? `HTTP ${res.status}`);
    err.status = res.status;
    err.body = data;
    throw err;
  }
  return data;
}

const atLeast = (role) => ['viewer', 'analyst', 'editor', 'admin'].indexOf(me?.role) >= ['viewer', 'analyst', 'editor', 'admin'].indexOf(role);

async function start() {
  try {
    const s = await api('GET', '/api/team/session');
    me = s;
    csrf = s.csrf_token;
    await signedIn();
  } catch {
    $('#sign-in-section').hidden = false;
  }
}

async function signedIn() {
  $('#sign-in-section').hidden = true;
  $('#who').textContent = `Signed in as ${me.name} (${me.role})`;
  $('#sign-out').hidden = false;
  for (const id of ['#rounds-section', '#ledger-section', '#library-section', '#audit-section']) $(id).hidden = false;
  $('#open-round').hidden = !atLeast('editor');
  $('#library-form').hidden = !atLeast('editor');
  await Promise.all([showRounds(), showLibrary(), showAudit()]);
  const wanted = new URLSearchParams(window.location.search).get('round');
  if (wanted) await showRound(Number(wanted));
}

$('#sign-in').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  try {
    const s = await api('POST', '/api/team/session', { name: f.get('name'), password: f.get('password') });
    me = { name: s.account.name, role: s.account.role };
    csrf = s.csrf_token;
    say('');
    await signedIn();
  } catch (err) {
    say(err.message, true);
  }
});

$('#sign-out').addEventListener('click', async () => {
  await api('DELETE', '/api/team/session').catch(() => undefined);
  window.location.reload();
});

async function showRounds() {
  const { rounds } = await api('GET', '/api/team/rounds');
  const body = $('#rounds tbody');
  body.replaceChildren();
  const select = $('#open-round select');
  select.replaceChildren(el('option', { value: '', text: 'none: a first round' }));
  for (const r of rounds) {
    const link = el('a', { href: `?round=${r.id}`, text: `#${r.id}` });
    link.addEventListener('click', (e) => {
      e.preventDefault();
      window.history.replaceState(null, '', `?round=${r.id}`);
      void showRound(r.id);
    });
    body.append(el('tr', { 'data-round': String(r.id) }, el('td', {}, link), el('td', { text: String(r.number) }), el('td', { text: r.title }), el('td', { text: r.status }),
      el('td', { text: r.items.map((i) => `${i.judgment} ${i.ally}`).join(', ') }), el('td', { text: r.published_set ? `v${r.published_set}` : '' })));
    if (r.status !== 'open') select.append(el('option', { value: String(r.id), text: `#${r.id} ${r.title}` }));
  }
}

$('#open-round').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const items = String(f.get('items') ?? '').split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const [judgment, ally] = l.split(/\s+/);
    return { judgment, ally };
  });
  const previous = f.get('previous_round');
  try {
    const r = await api('POST', '/api/team/rounds', { title: f.get('title'), ...(items.length ? { items } : {}), ...(previous ? { previous_round: Number(previous) } : {}) });
    e.target.reset();
    await showRounds();
    await showRound(r.id);
    say(`Round #${r.id} (number ${r.number}) is open.`);
  } catch (err) {
    say(err.message, true);
  }
});

async function showRound(id) {
  const round = await api('GET', `/api/team/rounds/${id}`);
  current = round;
  $('#round-section').hidden = false;
  $('#round-title').textContent = `Round #${round.id}: ${round.title} (round ${round.number})`;
  $('#round-status').textContent = `Status: ${round.status}; aggregation: ${round.aggregation}${round.published_set ? `; published as set v${round.published_set}` : ''}`;
  $('#editor-actions').hidden = !atLeast('editor');
  $('#close-round').disabled = round.status !== 'open';
  $('#publish-round').disabled = round.status !== 'closed';
  await Promise.all([showMyRatings(round), showDistribution(round), showProgress(round)]);
}

async function showMyRatings(round) {
  const box = $('#my-ratings');
  box.replaceChildren();
  if (!atLeast('analyst')) {
    box.append(el('p', { text: 'Viewers read; analysts rate.' }));
    return;
  }
  const { ratings } = await api('GET', `/api/team/rounds/${round.id}/ratings/mine`);
  for (const item of round.items) {
    const mine = ratings.find((r) => r.judgment === item.judgment && r.ally === item.ally);
    const form = el('form', { class: 'rating', 'data-item': `${item.judgment} ${item.ally}`, 'aria-label': `Rating of ${item.judgment} for ${item.ally}` });
    const field = (name, label, value, type = 'number') => el('label', {}, `${label} `, el('input', { name, type, step: 'any', value: value ?? '', required: '' }));
    form.append(
      el('strong', { text: `${item.judgment} / ${item.ally}` }), el('br'),
      field('value', 'Value', mine?.value), field('low', 'Low', mine?.low), field('high', 'High', mine?.high), el('br'),
      el('label', {}, 'Rationale ', el('textarea', { name: 'rationale', rows: '2', required: '' })), el('br'),
      el('label', {}, 'Sources (ids, comma-separated) ', el('input', { name: 'sources', value: mine ? mine.citations.map((c) => c.source).join(', ') : 'alliance-ledger-default-judgments', size: '40' })),
      el('button', { type: 'submit', text: mine ? `Revise (version ${mine.version})` : 'Submit rating', ...(round.status !== 'open' ? { disabled: '' } : {}) }),
    );
    form.querySelector('textarea').value = mine?.rationale ?? '';
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const f = new FormData(form);
      const body = {
        value: Number(f.get('value')), low: Number(f.get('low')), high: Number(f.get('high')), rationale: String(f.get('rationale')),
        citations: String(f.get('sources')).split(',').map((s) => s.trim()).filter(Boolean).map((source) => ({ source })),
        ...(mine ? { version: mine.version } : {}),
      };
      try {
        await api('PUT', `/api/team/rounds/${round.id}/ratings/${item.judgment}/${item.ally}`, body);
        // Every write redraws the page before it says so: the message means the page is ready for the next step.
        await showRound(round.id);
        say(`Saved your rating of ${item.judgment} / ${item.ally}.`);
      } catch (err) {
        say(err.status === 409 ? `${err.message} (reloaded: apply your change again)` : err.message, true);
        if (err.status === 409) await showRound(round.id);
      }
    });
    box.append(form);
  }
}

function spreadChart(item) {
  const w = 420;
  const h = 40 + 18 * Math.max(1, item.ratings.length + (item.your_rating ? 1 : 0));
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(h));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `Ratings of ${item.judgment} for ${item.ally}: ${item.ratings.map((r) => r.value).join(', ')}`);
  const x = (v) => 40 + (v / 4) * (w - 60);
  const add = (tag, attrs, text) => {
    const n = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    if (text !== undefined) n.textContent = text;
    svg.append(n);
    return n;
  };
  for (let v = 0; v <= 4; v++) {
    add('line', { x1: x(v), x2: x(v), y1: 10, y2: h - 20, stroke: '#ddd' });
    add('text', { x: x(v), y: h - 6, 'text-anchor': 'middle', 'font-size': 11 }, String(v));
  }
  const rows = [...item.ratings.map((r) => ({ ...r, colour: '#1f3a5f' })), ...(item.your_rating ? [{ rater: 'you', ...item.your_rating, colour: '#c05000' }] : [])];
  rows.forEach((r, i) => {
    const y = 22 + i * 18;
    add('line', { x1: x(r.low), x2: x(r.high), y1: y, y2: y, stroke: r.colour, 'stroke-width': 2 });
    add('circle', { cx: x(r.value), cy: y, r: 5, fill: r.colour, class: 'rating-dot' });
    add('text', { x: 4, y: y + 4, 'font-size': 10 }, r.rater);
  });
  if (item.median !== null) add('line', { x1: x(item.median), x2: x(item.median), y1: 10, y2: h - 20, stroke: '#c00', 'stroke-dasharray': '4 3', class: 'median' });
  return svg;
}

async function showDistribution(round) {
  const box = $('#distribution');
  box.replaceChildren();
  if (!atLeast('analyst')) return;
  const d = await api('GET', `/api/team/rounds/${round.id}/distribution`);
  for (const item of d.items) {
    const block = el('div', { class: 'chart', 'data-item': `${item.judgment} ${item.ally}` });
    block.append(el('strong', { text: `${item.judgment} / ${item.ally}: ${item.n} rating(s)` }));
    if (!item.visible) {
      block.append(el('p', { text: 'Submit your rating to see the others\' ratings and rationales.' }));
    } else {
      block.append(el('p', { class: 'summary', text: `median ${item.median}, from ${item.min} to ${item.max}` }), spreadChart(item));
      const list = el('ul', { class: 'rationales' });
      for (const r of item.ratings) list.append(el('li', { text: `${r.rater} (${r.value}, ${r.low}-${r.high}): ${r.rationale}` }));
      block.append(list);
    }
    box.append(block);
  }
}

async function showProgress(round) {
  $('#progress-block').hidden = !atLeast('editor');
  if (!atLeast('editor')) return;
  const p = await api('GET', `/api/team/rounds/${round.id}/progress`);
  const body = $('#progress tbody');
  body.replaceChildren();
  for (const i of p.items) body.append(el('tr', {}, el('td', { text: `${i.judgment} / ${i.ally}` }), el('td', { text: i.rated_by.join(', ') }), el('td', { text: i.pending.join(', ') })));
}

$('#close-round').addEventListener('click', async () => {
  try {
    await api('POST', `/api/team/rounds/${current.id}/close`, { version: current.version });
    const id = current.id;
    await showRounds();
    await showRound(id);
    say(`Round #${id} is closed.`);
  } catch (err) {
    say(err.message, true);
  }
});

$('#publish-round').addEventListener('click', async () => {
  try {
    const r = await api('POST', `/api/team/rounds/${current.id}/publish`, { version: current.version });
    const id = current.id;
    await Promise.all([showRounds(), showAudit()]);
    await showRound(id);
    say(`Published as judgment set v${r.set.version}.`);
  } catch (err) {
    say(err.message, true);
  }
});

$('#ledger-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const ally = new FormData(e.target).get('ally');
  try {
    const l = await api('GET', `/api/team/ledgers/${ally}`);
    const body = $('#ledger tbody');
    body.replaceChildren();
    for (const line of l.lines) {
      for (const j of line.judgments) {
        const p = j.provenance;
        body.append(el('tr', { 'data-line': line.item },
          el('td', { text: line.label }), el('td', { text: String(j.value) }), el('td', { text: `${j.low}-${j.high}` }),
          el('td', { text: p ? p.raters.join(', ') : j.author }), el('td', { text: p?.round ? String(p.round) : '' }),
          el('td', { text: p?.spread ? `${p.spread.values.join(', ')} (n=${p.spread.n})` : '' }), el('td', { text: p ? `v${p.set_version}` : '' })));
      }
    }
    $('#ledger-title').textContent = `${l.name} ${l.year}: judgment lines under judgment set v${l.set_version}`;
    $('#ledger').setAttribute('data-ally', l.ally);
  } catch (err) {
    say(err.message, true);
  }
});

// ── the team library: methodologies and scenarios (editors write, everyone reads and runs) ──

const PLURAL = { methodology: 'methodologies', scenario: 'scenarios' };

async function showLibrary() {
  for (const kind of Object.keys(PLURAL)) {
    const plural = PLURAL[kind];
    const list = (await api('GET', `/api/team/${plural}`))[plural];
    const body = $(`#library-${plural} tbody`);
    body.replaceChildren();
    if (!list.length) body.append(el('tr', {}, el('td', { colspan: '6', text: `No ${plural} yet.` })));
    for (const r of list) {
      const open = el('button', { type: 'button', text: atLeast('editor') ? 'Edit' : 'Show' });
      open.addEventListener('click', () => void openLibraryRecord(kind, r.name));
      const actions = el('td', {}, open, ' ', el('a', { href: `/api/team/${plural}/${r.name}?format=yaml`, text: 'YAML' }));
      if (kind === 'scenario') {
        const run = el('button', { type: 'button', text: 'Run' });
        run.addEventListener('click', () => void runTeamScenario(r.name));
        actions.append(' ', run);
      }
      body.append(el('tr', { 'data-name': r.name }, el('td', { text: r.name }), el('td', { text: r.title }), el('td', { text: `v${r.version}` }),
        el('td', { text: r.updated_by ?? r.author ?? '' }), el('td', { text: r.updated_at.replace('T', ' ').slice(0, 19) }), actions));
    }
  }
}

function libraryForm(kind, record) {
  const form = $('#library-form');
  form.hidden = false;
  form.elements.kind.value = kind;
  form.elements.kind.disabled = Boolean(record);
  form.elements.name.value = record?.name ?? '';
  form.elements.name.readOnly = Boolean(record);
  form.elements.yaml.value = record?.yaml ?? '';
  form.elements.reason.value = '';
  form.elements.version.value = record ? String(record.version) : '';
  $('#library-form-title').textContent = record ? `${kind} ${record.name}, version ${record.version}` : 'Add to the library';
  $('#library-save').textContent = record ? `Save as version ${record.version + 1}` : 'Add';
  $('#library-delete').hidden = !record;
  for (const f of [form.elements.yaml, form.elements.reason, $('#library-save')]) f.disabled = !atLeast('editor');
}

async function openLibraryRecord(kind, name) {
  try {
    libraryForm(kind, await api('GET', `/api/team/${PLURAL[kind]}/${name}`));
    $('#library-form').elements.yaml.focus();
  } catch (err) {
    say(err.message, true);
  }
}

/** A refusal as the API gives it: the field and, for a checked text, its line. */
function refusal(err) {
  const b = err.body ?? {};
  return [err.message, b.line ? `(line ${b.line})` : ''].filter(Boolean).join(' ');
}

$('#library-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  const kind = form.elements.kind.value;
  const name = form.elements.name.value;
  const version = form.elements.version.value;
  const reason = form.elements.reason.value.trim();
  const body = { yaml: form.elements.yaml.value, ...(reason ? { reason } : {}) };
  try {
    const saved = version
      ? await api('PUT', `/api/team/${PLURAL[kind]}/${name}`, { ...body, version: Number(version) })
      : await api('POST', `/api/team/${PLURAL[kind]}`, { ...body, name });
    await Promise.all([showLibrary(), showAudit()]);
    libraryForm(kind, saved);
    say(`Saved ${kind} ${saved.name} as version ${saved.version}.`);
  } catch (err) {
    if (err.status === 409 && err.body?.current) {
      // Someone saved first: their version is shown; the text you wrote stays for you to apply again.
      const mine = form.elements.yaml.value;
      libraryForm(kind, err.body.current);
      form.elements.yaml.value = mine;
      say(`${refusal(err)} (the form now revises version ${err.body.current.version}; your text is kept: check it against theirs and save again)`, true);
    } else {
      say(refusal(err), true);
    }
  }
});

$('#library-delete').addEventListener('click', async () => {
  const form = $('#library-form');
  const kind = form.elements.kind.value;
  const name = form.elements.name.value;
  const reason = form.elements.reason.value.trim();
  try {
    await api('DELETE', `/api/team/${PLURAL[kind]}/${name}`, { version: Number(form.elements.version.value), ...(reason ? { reason } : {}) });
    libraryForm(kind, null);
    await Promise.all([showLibrary(), showAudit()]);
    say(`Deleted ${kind} ${name}; the audit trail keeps its text.`);
  } catch (err) {
    say(refusal(err), true);
  }
});

$('#library-new').addEventListener('click', () => libraryForm($('#library-form').elements.kind.value, null));

const signed = (x) => (x === null || x === undefined ? '–' : `${x > 0 ? '+' : ''}${x.toFixed(1)}`);

async function runTeamScenario(name) {
  say(`Running ${name}...`);
  try {
    const r = await api('GET', `/api/team/scenarios/${name}/run`);
    const body = $('#library-run-table tbody');
    body.replaceChildren();
    const moved = r.diff.filter((d) => d.before.net !== d.after.net || d.before.rank !== d.after.rank);
    for (const d of moved) {
      body.append(el('tr', { 'data-ally': d.ally }, el('td', { text: `${d.name} (${d.ally})` }), el('td', { text: signed(d.before.net) }), el('td', { text: signed(d.after.net) }),
        el('td', { text: String(d.before.rank ?? '–') }), el('td', { text: String(d.after.rank ?? '–') }),
        el('td', { text: d.causes.map((c) => `${c.label}: ${signed(c.net)}`).join('; ') })));
    }
    $('#library-run').hidden = false;
    $('#library-run-title').textContent = `${name} (version ${r.team_scenario.version}) against judgment set v${r.judgment_set}: ${moved.length} allies moved, horizon ${r.scenario.horizon}`;
    say(`Ran ${name}.`);
  } catch (err) {
    say(refusal(err), true);
  }
}

async function showAudit() {
  const { entries } = await api('GET', '/api/team/audit?limit=50');
  const body = $('#audit tbody');
  body.replaceChildren();
  for (const e of entries) {
    const change = e.before && e.after ? Object.keys(e.after).filter((k) => JSON.stringify(e.before[k]) !== JSON.stringify(e.after[k]) && k !== 'updated_at').map((k) => `${k}: ${JSON.stringify(e.before[k])} -> ${JSON.stringify(e.after[k])}`).join('\n') : '';
    body.append(el('tr', {}, el('td', { text: String(e.id) }), el('td', { text: e.at.replace('T', ' ').slice(0, 19) }), el('td', { text: e.actor }),
      el('td', { text: e.action }), el('td', { text: `${e.entity} ${e.entity_id}` }), el('td', { text: e.reason ?? '' }), el('td', {}, el('pre', { text: change }))));
  }
}

void start();
