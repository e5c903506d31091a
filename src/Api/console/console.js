// The gateway console: one page, views chosen by the URL fragment (#/tenants, #/tenants/{id}, #/keys/{id},
// #/services, #/services/{id}), every figure read from the admin API with the browser session and refreshed
// every few seconds. Text from the API is only ever set as text, never parsed as markup.
'use strict';

const REFRESH_MS = 2000;
const view = document.getElementById('view');
const status = document.getElementById('status');
let busy = false;       // a change is in flight: no refresh until it is done
let notice = null;      // a message shown above the view until the next navigation (e.g. a rotated key)

class ApiError extends Error {
  constructor(status, body) {
    // A validation problem names each field: those go into the message too.
    const fields = body && body.errors ? ' ' + Object.entries(body.errors).map(([field, error]) => `${field}: ${error}`).join('; ') : '';
    super(body && (body.detail || body.title) ? `${body.title || ''} ${body.detail || ''}${fields}`.trim() : `HTTP ${status}`);
    this.status = status;
  }
}

// A page of a list endpoint: its ids and the cursor of the next page (from the Link header), if any.
async function apiPage(path) {
  const { data, response } = await send('GET', path);
  const next = /[?&]after=([^&>]+)[^>]*>\s*;\s*rel="next"/.exec(response.headers.get('Link') || '');
  return { ids: data, next: next ? decodeURIComponent(next[1]) : null };
}

async function api(method, path, body) {
  return (await send(method, path, body)).data;
}

async function send(method, path, body) {
  const headers = { Accept: 'application/json' };
  // Every change made with the session carries the console's header (the admin API refuses it otherwise).
  if (method !== 'GET') headers['X-Silo-Console'] = '1';
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401) {
    location.assign('/login?returnUrl=' + encodeURIComponent('/console/' + location.hash));
    throw new ApiError(401, { title: 'Signed out.' });
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, response };
}

// Lists are read a page at a time; each list keeps the cursors of the pages it went through ('' = the first).
const PAGE_SIZE = 50;
const cursors = { tenants: [''], services: [''] };

async function listView(kind, title, create, row) {
  const stack = cursors[kind];
  const after = stack[stack.length - 1];
  const page = await apiPage(`/admin/${kind}?limit=${PAGE_SIZE}${after ? `&after=${enc(after)}` : ''}`);
  const go = move => change(async () => { move(); });
  const find = h('input', { name: 'id', placeholder: 'id', 'aria-label': 'Id to open', 'data-testid': `${kind}-find-id` });
  const finder = h('form', { class: 'create', 'data-testid': `${kind}-find` },
    h('label', null, 'Open by id ', find), h('button', { type: 'submit', 'data-testid': `${kind}-find-submit` }, 'Open'));
  finder.addEventListener('submit', event => {
    event.preventDefault();
    // Focus leaves the form first: the refresh the navigation starts skips a view whose form has focus.
    if (document.activeElement) document.activeElement.blur();
    if (find.value.trim()) location.hash = `#/${kind}/${enc(find.value.trim())}`;
  });
  return [h('h2', null, title), create, finder,
    table([title.replace(/s$/, '')], page.ids.map(id => h('tr', null, h('td', null, row(id)))), kind),
    h('div', { class: 'actions' },
      h('button', { 'data-testid': `${kind}-previous`, disabled: stack.length <= 1, onclick: () => go(() => stack.pop()) }, 'Previous'),
      h('span', { 'data-testid': `${kind}-page` }, ` page ${stack.length} `),
      h('button', { 'data-testid': `${kind}-next`, disabled: !page.next, onclick: () => go(() => stack.push(page.next)) }, 'Next'))];
}

// h('td', { class: 'num' }, 'text', childNode, ...): an element with attributes (on* as listeners) and children.
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const link = (href, text) => h('a', { href }, text);
const enc = encodeURIComponent;

function table(headings, rows, testid) {
  return h('table', { 'data-testid': testid },
    h('thead', null, h('tr', null, headings.map(x => h('th', null, x)))),
    h('tbody', null, rows.length ? rows : h('tr', null, h('td', { colspan: headings.length }, 'None.'))));
}

function badge(text, tone, testid) {
  return h('span', { class: `badge ${tone || ''}`, 'data-testid': testid }, text);
}

function seconds(value) {
  if (value < 120) return `${value} s`;
  if (value < 7200) return `${Math.round(value / 60)} min`;
  return `${Math.round(value / 3600)} h`;
}

function window_(limit) {
  if (limit.calendar && limit.calendar !== 'none') return `calendar ${limit.calendar}`;
  return `${limit.algorithm}, ${seconds(limit.windowSeconds)}`;
}

// The limits of a key or tenant beside their live usage; an optional action per limit (reset).
function limitsTable(limits, usage, prefix, action) {
  const rows = limits.map(limit => {
    const used = usage.find(u => u.name === limit.name) || {};
    return h('tr', null,
      h('td', null, limit.name, limit.shadow ? ' (shadow)' : ''),
      h('td', null, window_(limit)),
      h('td', { class: 'num' }, used.limit ?? limit.limit),
      h('td', { class: 'num', 'data-testid': `${prefix}-remaining-${limit.name}` }, used.remaining ?? ''),
      // A window nothing was counted in yet has no reset time to speak of.
      h('td', { class: 'num' }, used.resetSeconds === undefined || (used.resetSeconds === 0 && used.remaining === used.limit) ? '—' : seconds(used.resetSeconds)),
      action ? h('td', null, action(limit)) : null);
  });
  const headings = ['Limit', 'Window', 'Capacity', 'Remaining', 'Resets in'];
  if (action) headings.push('');
  return table(headings, rows, `${prefix}-limits`);
}

// Runs a change, then redraws; errors go to the status line.
// Plots: inline SVG drawn from /admin/…/traffic (every front end's last minutes, second by second). Each plotted
// line carries its numbers in data-values, so what is drawn can be read back.
const SVG_NS = 'http://www.w3.org/2000/svg';
const PLOT = { width: 640, height: 130, left: 44, bottom: 18, top: 8, right: 6 };

function s(tag, attributes, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  element.append(...children.flat().filter(c => c !== null && c !== undefined));
  return element;
}

const round = v => (v >= 100 ? Math.round(v) : Math.round(v * 10) / 10);

// Lines over the window: series [{ name, label, values }], nulls left as gaps; y from 0 to the largest value.
function linePlot(testid, unit, series) {
  const n = series[0].values.length;
  const max = Math.max(1, ...series.flatMap(x => x.values.filter(v => v !== null)));
  const { width, height, left, bottom, top, right } = PLOT;
  const x = i => left + (i * (width - left - right)) / Math.max(1, n - 1);
  const y = v => height - bottom - (v / max) * (height - bottom - top);
  // A second with neighbours missing on both sides is drawn as a dot (a zero-length segment with round caps).
  const path = values => values.map((v, i) => {
    if (v === null) return '';
    const joined = i > 0 && values[i - 1] !== null;
    const alone = !joined && (i === values.length - 1 || values[i + 1] === null);
    return `${joined ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}${alone ? 'l0.01 0' : ''}`;
  }).join('');
  return h('figure', { class: 'plot', 'data-testid': testid },
    s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': series.map(x => x.label).join(', ') },
      s('line', { class: 'axis', x1: left, y1: height - bottom, x2: width - right, y2: height - bottom }),
      s('text', { x: left - 4, y: top + 8, 'text-anchor': 'end' }, `${round(max)}`),
      s('text', { x: left - 4, y: height - bottom, 'text-anchor': 'end' }, '0'),
      s('text', { x: left, y: height - 4 }, `−${Math.round(n / 60) || 1} min`),
      s('text', { x: width - right, y: height - 4, 'text-anchor': 'end' }, 'now'),
      series.map(x => s('path', { class: `series ${x.name}`, d: path(x.values), 'data-series': x.name, 'data-values': x.values.map(v => (v === null ? '' : v)).join(',') }))),
    h('figcaption', null, series.map(x => h('span', { class: `legend ${x.name}` }, x.label)), ` (${unit})`));
}

// The circuit state second by second as coloured bands (grey: no front end knew the service yet).
function circuitStrip(states) {
  const { width, left, right } = PLOT;
  const w = (width - left - right) / states.length;
  const bands = [];
  states.forEach((state, i) => {
    const last = bands[bands.length - 1];
    if (last && last.state === state) last.count++;
    else bands.push({ state, start: i, count: 1 });
  });
  return h('figure', { class: 'plot', 'data-testid': 'plot-circuit' },
    s('svg', { viewBox: `0 0 ${width} 22`, width, height: 22, role: 'img', 'aria-label': 'circuit state' },
      s('text', { x: left - 4, y: 15, 'text-anchor': 'end' }, 'circuit'),
      bands.map(b => s('rect', { class: `circuit ${b.state || 'unknown'}`, x: (left + b.start * w).toFixed(1), y: 2, width: (b.count * w).toFixed(1), height: 18 })),
      s('g', { 'data-series': 'circuit', 'data-values': states.map(x => x || '').join(',') })),
    h('figcaption', null, ['closed', 'half-open', 'open', 'isolated'].map(x => h('span', { class: `legend circuit-${x}` }, x))));
}

// The traffic section of a tenant, key or service page; a front end that did not answer is said so.
async function trafficSection(kind, id) {
  const t = await api('GET', `/admin/${kind}/${enc(id)}/traffic`);
  const answered = t.frontEndsAnswered < t.frontEnds ? ` — ${t.frontEndsAnswered} of ${t.frontEnds} front ends answered` : '';
  const heading = h('h3', { 'data-testid': 'traffic-heading' }, `Traffic, last ${Math.round(t.seconds / 60)} minutes${answered}`);
  if (kind !== 'services') {
    return [heading, linePlot('plot-admissions', 'requests a second', [
      { name: 'admitted', label: 'admitted', values: t.admitted },
      { name: 'limited', label: 'limited', values: t.limited }])];
  }
  const errors = t.attempts.map((a, i) => (a ? Math.round((1000 * t.failures[i]) / a) / 10 : null));
  return [heading,
    linePlot('plot-attempts', 'a second', [
      { name: 'attempts', label: 'sent downstream', values: t.attempts },
      { name: 'failures', label: 'failed', values: t.failures }]),
    linePlot('plot-errors', '% of attempts', [{ name: 'error-rate', label: 'error rate', values: errors }]),
    linePlot('plot-latency', 'ms', [
      { name: 'p50', label: 'latency p50', values: t.p50Milliseconds },
      { name: 'p99', label: 'latency p99', values: t.p99Milliseconds }]),
    circuitStrip(t.circuit)];
}

async function change(work) {
  busy = true;
  try {
    await work();
    await render();
  } catch (error) {
    showError(error);
  } finally {
    busy = false;
  }
}

function showError(error) {
  status.textContent = error.message;
  status.className = 'error';
}

// A form of labelled inputs; on submit the values go to submit(values) as a change, then the view redraws.
function form(testid, title, fields, submit) {
  const inputs = fields.map(f => h('input', { name: f.name, type: f.type || 'text', placeholder: f.placeholder || '', required: f.required, min: f.min, 'aria-label': f.label, 'data-testid': `${testid}-${f.name}` }));
  const element = h('form', { class: 'create', 'data-testid': testid },
    h('strong', null, title + ' '),
    fields.map((f, i) => h('label', null, f.label + ' ', inputs[i])),
    h('button', { type: 'submit', 'data-testid': `${testid}-submit` }, 'Create'));
  element.addEventListener('submit', event => {
    event.preventDefault();
    const values = Object.fromEntries(fields.map((f, i) => [f.name, inputs[i].value.trim()]));
    change(() => submit(values));
  });
  return element;
}

// An optional per-minute token bucket from a form's number field.
const perMinute = value => value ? [{ name: 'per-minute', algorithm: 'token-bucket', limit: Number(value), windowSeconds: 60 }] : [];

async function tenantsView() {
  const create = form('create-tenant', 'New tenant', [
    { name: 'id', label: 'Id', placeholder: 'acme', required: true },
    { name: 'name', label: 'Name', placeholder: 'Acme', required: true },
    { name: 'perMinute', label: 'Requests a minute', type: 'number', min: 1, placeholder: 'no limit' },
  ], async v => {
    await api('POST', '/admin/tenants', { id: v.id, name: v.name, limits: perMinute(v.perMinute) });
    location.hash = `#/tenants/${enc(v.id)}`;
  });
  return listView('tenants', 'Tenants', create, id => link(`#/tenants/${enc(id)}`, id));
}

// A secret shown once, with a button that copies it.
function secretNotice(text, secret) {
  return h('div', { class: 'notice' }, h('p', null, text),
    h('p', { class: 'secret', 'data-testid': 'created-key' }, secret),
    h('button', { type: 'button', onclick: () => navigator.clipboard.writeText(secret) }, 'Copy'));
}

async function tenantView(id) {
  const tenant = await api('GET', `/admin/tenants/${enc(id)}`);
  const shown = tenant.keyIds.slice(-50);
  const [keys, audit, traffic] = await Promise.all([
    Promise.all(shown.map(keyId => api('GET', `/admin/keys/${enc(keyId)}`).catch(() => null))),
    api('GET', `/admin/tenants/${enc(id)}/audit?limit=20`),
    trafficSection('tenants', id),
  ]);
  const suspended = tenant.status === 'suspended';
  const toggle = suspended ? 'resume' : 'suspend';
  const createKey = form('create-key', 'New key', [
    { name: 'name', label: 'Name', placeholder: 'default' },
    { name: 'scopes', label: 'Services (comma-separated)', placeholder: 'every service' },
    { name: 'perMinute', label: 'Requests a minute', type: 'number', min: 1, placeholder: 'tenant limits only' },
  ], async v => {
    const scopes = v.scopes ? v.scopes.split(',').map(x => x.trim()).filter(x => x) : [];
    const created = await api('POST', `/admin/tenants/${enc(id)}/keys`, { name: v.name || undefined, scopes, limits: perMinute(v.perMinute) });
    notice = secretNotice(`Key ${created.id} created. The full key is shown this once:`, created.key);
  });
  // Issuers: the whole list is replaced on each change (PUT), the others kept as the API returned them.
  const issuers = tenant.issuers || [];
  const putIssuers = list => api('PUT', `/admin/tenants/${enc(id)}/issuers`, list);
  const addIssuer = form('add-issuer', 'New identity provider', [
    { name: 'issuer', label: 'Issuer (iss)', placeholder: 'https://login.example.com/', required: true },
    { name: 'audience', label: 'Audience', placeholder: 'orders-api', required: true },
    { name: 'keys', label: 'JWKS or discovery URL', placeholder: 'https://login.example.com/.well-known/openid-configuration', required: true },
    { name: 'perMinute', label: 'Requests a minute per consumer', type: 'number', min: 1, placeholder: 'tenant limits only' },
  ], async v => {
    const discovery = v.keys.includes('/.well-known/');
    await putIssuers([...issuers, {
      issuer: v.issuer, audiences: [v.audience],
      jwksUri: discovery ? undefined : v.keys, discoveryUri: discovery ? v.keys : undefined,
      consumerLimits: perMinute(v.perMinute),
    }]);
  });
  return [
    h('h2', null, `${tenant.name} (${tenant.id}) `, badge(tenant.status, suspended ? 'bad' : 'good', 'tenant-status')),
    h('div', { class: 'actions' },
      h('button', { 'data-testid': `tenant-${toggle}`, onclick: () => change(() => api('POST', `/admin/tenants/${enc(id)}/${toggle}`)) },
        suspended ? 'Resume tenant' : 'Suspend tenant')),
    h('h3', null, 'Limits'),
    limitsTable(tenant.limits, tenant.usage, 'tenant'),
    ...traffic,
    h('h3', null, `Keys (${tenant.keyIds.length}${tenant.keyIds.length > shown.length ? `, newest ${shown.length} shown` : ''})`),
    createKey,
    table(['Key', 'Name', 'Status', 'Remaining'], keys.filter(k => k).map(key => h('tr', null,
      h('td', null, link(`#/keys/${enc(key.id)}`, key.id)),
      h('td', null, key.name),
      h('td', null, badge(key.status, key.status === 'active' ? 'good' : 'bad')),
      h('td', null, key.usage.map(u => `${u.name}: ${u.remaining}/${u.limit}`).join(', ') || 'tenant limits only'))), 'tenant-keys'),
    h('h3', null, 'Identity providers (JWT callers)'),
    addIssuer,
    table(['Issuer', 'Audiences', 'Keys from', 'Per consumer', ''], issuers.map(i => h('tr', null,
      h('td', null, i.issuer),
      h('td', null, i.audiences.join(', ')),
      h('td', null, i.jwksUri || i.discoveryUri),
      h('td', null, i.consumerLimits.map(l => `${l.name}: ${l.limit}/${seconds(l.windowSeconds)}`).join(', ') || 'tenant limits only'),
      h('td', null, h('button', { class: 'danger', onclick: () => change(() => putIssuers(issuers.filter(x => x.issuer !== i.issuer))) }, 'Remove')))), 'tenant-issuers'),
    h('h3', null, 'Audit (newest 20)'),
    table(['Time', 'Action', 'Key', 'Detail'], audit.map(event => h('tr', null,
      h('td', null, new Date(event.time).toLocaleString()),
      h('td', null, event.action),
      h('td', null, event.keyId ? link(`#/keys/${enc(event.keyId)}`, event.keyId) : ''),
      h('td', null, event.detail || ''))), 'tenant-audit'),
  ];
}

async function keyView(id) {
  const [key, traffic] = await Promise.all([api('GET', `/admin/keys/${enc(id)}`), trafficSection('keys', id)]);
  const revoked = key.status === 'revoked';
  const grace = h('input', { type: 'number', min: 0, max: 604800, value: 3600, 'aria-label': 'Grace period in seconds', 'data-testid': 'rotate-grace' });
  const rotate = async () => {
    const rotated = await api('POST', `/admin/keys/${enc(id)}/rotate`, { gracePeriodSeconds: Number(grace.value) });
    notice = h('div', null, h('p', null, 'New key (shown once; the old one works until ',
      rotated.validUntil ? new Date(rotated.validUntil).toLocaleString() : 'now', '):'),
      h('p', { class: 'secret', 'data-testid': 'rotated-key' }, rotated.key));
  };
  const revoke = async () => {
    if (!window.confirm(`Revoke key ${id}? Every request with it is refused from the next one on.`)) return;
    await api('POST', `/admin/keys/${enc(id)}/revoke`);
  };
  const reset = limit => h('button', { 'data-testid': `reset-${limit.name}`, onclick: () => change(() => api('POST', `/admin/keys/${enc(id)}/limits/${enc(limit.name)}/reset`)) }, 'Reset');
  return [
    h('h2', null, `Key ${key.id} `, badge(key.status, revoked ? 'bad' : 'good', 'key-status')),
    h('dl', null,
      h('dt', null, 'Name'), h('dd', null, key.name),
      h('dt', null, 'Tenant'), h('dd', null, link(`#/tenants/${enc(key.tenantId)}`, key.tenantId)),
      h('dt', null, 'Scopes'), h('dd', null, key.scopes.length ? key.scopes.join(', ') : 'every service'),
      h('dt', null, 'Created'), h('dd', null, new Date(key.createdAt).toLocaleString()),
      h('dt', null, 'Expires'), h('dd', null, key.expiresAt ? new Date(key.expiresAt).toLocaleString() : 'never')),
    revoked ? null : h('div', { class: 'actions' },
      grace, h('button', { 'data-testid': 'rotate', onclick: () => change(rotate) }, 'Rotate secret'),
      h('button', { class: 'danger', 'data-testid': 'revoke', onclick: () => change(revoke) }, 'Revoke key')),
    h('h3', null, 'Limits'),
    limitsTable(key.limits, key.usage, 'key', revoked ? null : reset),
    ...traffic,
  ];
}

async function servicesView() {
  const create = form('create-service', 'New service', [
    { name: 'id', label: 'Id', placeholder: 'orders', required: true },
    { name: 'url', label: 'Endpoint URL', placeholder: 'http://orders.internal:8080', required: true },
    { name: 'timeoutSeconds', label: 'Timeout (s)', type: 'number', min: 1, placeholder: '10' },
  ], async v => {
    await api('POST', '/admin/services', { id: v.id, endpoints: [{ url: v.url }], timeoutSeconds: v.timeoutSeconds ? Number(v.timeoutSeconds) : undefined });
    location.hash = `#/services/${enc(v.id)}`;
  });
  return listView('services', 'Services', create, id => link(`#/services/${enc(id)}`, id));
}

async function serviceView(id) {
  const [service, traffic] = await Promise.all([api('GET', `/admin/services/${enc(id)}`), trafficSection('services', id)]);
  const circuit = service.circuit;
  const tone = { closed: 'good', 'half-open': 'warn' }[circuit.state] || 'bad';
  const held = circuit.state === 'isolated';
  // Draining rewrites the endpoint list with one endpoint's flag turned; the others stay as they are.
  const setDrain = (url, drain) => api('PUT', `/admin/services/${enc(id)}/endpoints`,
    service.endpoints.map(e => ({ url: e.url, weight: e.weight, drain: e.url === url ? drain : e.drain })));
  // Signing: a new key's secret is shown once; earlier keys sign beside it for the overlap.
  const overlap = h('input', { type: 'number', min: 0, max: 2592000, value: 3600, 'aria-label': 'Overlap in seconds', 'data-testid': 'signing-overlap' });
  const addSigningKey = async () => {
    const added = await api('POST', `/admin/services/${enc(id)}/signing-keys`, { overlapSeconds: Number(overlap.value) });
    notice = secretNotice(`Forwarded requests are now signed with key ${added.keyId}. Its secret (base64) is shown this once:`, added.secret);
  };
  const stopSigning = async () => {
    if (!window.confirm(`Stop signing requests to ${id}? Downstreams that verify signatures will refuse them.`)) return;
    await api('DELETE', `/admin/services/${enc(id)}/signing-keys`);
  };
  return [
    h('h2', null, `Service ${service.id}`),
    h('dl', null,
      h('dt', null, 'Circuit'), h('dd', null, badge(circuit.state, tone, 'circuit-state'),
        circuit.state === 'open' && circuit.retryAfterSeconds ? ` half-open in ${seconds(circuit.retryAfterSeconds)}` : ''),
      h('dt', null, 'Window'), h('dd', { 'data-testid': 'circuit-window' },
        `${circuit.successes} succeeded, ${circuit.failures} failed; ${circuit.failingReporters} of ${circuit.reporters} reporting front ends failing`),
      h('dt', null, 'Routing snapshot'), h('dd', { 'data-testid': 'routing-version' }, `version ${service.version}`),
      h('dt', null, 'Panic'), h('dd', { 'data-testid': 'panic' },
        service.panic ? badge('in panic: every endpoint not draining is picked', 'bad') : 'no',
        service.panicThresholdPercent ? ` (below ${service.panicThresholdPercent} % available)` : ' (off)'),
      h('dt', null, 'Load balancing'), h('dd', null, service.loadBalancing),
      h('dt', null, 'Timeout'), h('dd', null, seconds(service.timeoutSeconds)),
      h('dt', null, 'Health checks'), h('dd', null, service.healthCheck ? `${service.healthCheck.path} every ${seconds(service.healthCheck.intervalSeconds)} (${service.healthCheckRounds} rounds)` : 'passive only')),
    ...traffic,
    h('div', { class: 'actions' },
      held
        ? h('button', { 'data-testid': 'circuit-close', onclick: () => change(() => api('POST', `/admin/services/${enc(id)}/circuit/close`)) }, 'Close circuit')
        : h('button', { class: 'danger', 'data-testid': 'circuit-isolate', onclick: () => change(() => api('POST', `/admin/services/${enc(id)}/circuit/isolate`)) }, 'Isolate (hold open)')),
    h('h3', null, 'Endpoints'),
    table(['URL', 'Weight', 'Health', 'Ejected', 'Failures in a row', 'Picked', ''], service.endpoints.map(e => h('tr', null,
      h('td', null, e.url),
      h('td', { class: 'num' }, e.weight),
      h('td', null, badge(e.health, e.health === 'healthy' ? 'good' : 'bad')),
      h('td', null, e.ejected ? `for ${seconds(e.ejectedForSeconds)}` : 'no', ` (${e.ejections} ejections)`),
      h('td', { class: 'num' }, e.consecutiveFailures),
      h('td', null, e.drain ? badge('draining', 'warn') : badge(e.routed ? 'yes' : 'no', e.available ? 'good' : e.routed ? 'warn' : 'bad')),
      h('td', null, h('button', { onclick: () => change(() => setDrain(e.url, !e.drain)) }, e.drain ? 'Undrain' : 'Drain')))), 'endpoints'),
    h('h3', null, 'Signed forwarding'),
    table(['Key', 'Created', 'Signs until'], service.signing.map(k => h('tr', null,
      h('td', null, k.keyId),
      h('td', null, new Date(k.createdAt).toLocaleString()),
      h('td', null, k.retiresAt ? new Date(k.retiresAt).toLocaleString() : 'until rotated'))), 'signing-keys'),
    h('div', { class: 'actions' },
      overlap, h('button', { 'data-testid': 'signing-add', onclick: () => change(addSigningKey) }, service.signing.length ? 'Rotate signing key' : 'Sign forwarded requests'),
      service.signing.length ? h('button', { class: 'danger', 'data-testid': 'signing-stop', onclick: () => change(stopSigning) }, 'Stop signing') : null),
  ];
}

const routes = [
  [/^#\/tenants\/([^/]+)$/, m => tenantView(decodeURIComponent(m[1]))],
  [/^#\/keys\/([^/]+)$/, m => keyView(decodeURIComponent(m[1]))],
  [/^#\/services\/([^/]+)$/, m => serviceView(decodeURIComponent(m[1]))],
  [/^#\/services$/, () => servicesView()],
  [/^#\/tenants$/, () => tenantsView()],
];

async function render() {
  const hash = location.hash || '#/tenants';
  const route = routes.find(([pattern]) => pattern.test(hash));
  if (!route) {
    location.hash = '#/tenants';
    return;
  }
  const content = await route[1](hash.match(route[0]));
  if ((location.hash || '#/tenants') !== hash) return; // navigated meanwhile: that view draws itself
  view.replaceChildren(...[notice, ...content].filter(x => x));
  status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  status.className = '';
}

async function refresh() {
  // Not while a change runs or while someone types (a redraw would take the field away).
  // A form with focus (its button about to be clicked) counts as typing too.
  if (busy || document.activeElement instanceof HTMLInputElement || (document.activeElement && document.activeElement.closest('form'))) return;
  try {
    await render();
  } catch (error) {
    showError(error);
  }
}

window.addEventListener('hashchange', () => {
  notice = null;
  refresh();
});
refresh();
setInterval(refresh, REFRESH_MS);
