// The status page as HTML, rendered on the server: readable with JavaScript off, no remote
// assets. A short script keeps it current while it is open: new moves every second
// (/api/moves?after=N), each put in its place by when it happened, the rest of the page every 10 s.
import { compareStates } from '../../backbone/states.ts';
import type { Move, MoveFilter } from './recent-moves.ts';
import type { ProjectView, StatusDocument, SynchronizationView } from './status-document.ts';

/** States whose messages sit in one folder per issue. */
const ISSUE_STATES: ReadonlySet<string> = new Set(['error', 'missing']);

const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

const time = (iso: string | number | undefined): string => {
  if (iso === undefined) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
};

const badge = (ok: boolean | undefined, yes: string, no: string, unknown = 'unknown'): string =>
  ok === undefined ? `<span class="b u">${esc(unknown)}</span>` : ok ? `<span class="b ok">${esc(yes)}</span>` : `<span class="b bad">${esc(no)}</span>`;

export function renderMoveRow(move: Move): string {
  const cls = move.severity === 'ERROR' ? ' class="bad"' : move.severity === 'WARN' ? ' class="warn"' : '';
  const issue = move.issue ? ` <small>issue ${esc(move.issue)}</small>` : '';
  return `<tr data-seq="${move.seq}" data-time="${move.timeMs}"${cls}><td>${esc(time(move.timeMs))}</td><td>${esc(move.integration)}</td><td>${esc(move.project)}</td>`
    + `<td>${esc(move.message)}${issue}</td><td>${esc(move.from)} → ${esc(move.to)}</td><td>${esc(formatAge(move.dwellSeconds))}</td><td>${esc(move.detectedBy ?? '')}</td></tr>`;
}

function synchronization(sync: SynchronizationView): string {
  const rows = sync.connectors.map((c) => {
    const routes = c.routes.map((r) => `${esc(r.route)}: ${esc(r.status ?? '?')}${r.processing ? ` / ${esc(r.processing)}` : ''}`).join('<br>');
    const issues = c.issuesInError === undefined ? '' : c.issuesInError > 0 ? `<span class="b bad">${c.issuesInError}</span>` : '0';
    return `<tr><td>${esc(c.position)}</td><td>${esc(c.key)}</td><td>${badge(c.online, 'online', 'offline')}</td>`
      + `<td>${c.reconnecting ? '<span class="b warn">reconnecting</span>' : c.reconnecting === false ? 'no' : ''}</td><td>${issues}</td><td>${routes}</td></tr>`;
  }).join('');
  const since = sync.statusSince ? ` <small>since ${esc(time(sync.statusSince))}</small>` : '';
  return `<section class="sync${sync.healthy ? '' : ' attention'}" id="sync-${esc(sync.integration)}"><h3>${esc(sync.integration)} `
    + `${badge(sync.status === undefined ? undefined : sync.status === 'RUNNING', sync.status ?? '', sync.status ?? '')}${since}</h3>`
    + (rows === '' ? '<p>No connectors reported.</p>' : `<div class="scroll"><table><thead><tr><th>connector</th><th>key</th><th>online</th><th>reconnecting</th><th>issues in error</th><th>routes</th></tr></thead><tbody>${rows}</tbody></table></div>`)
    + '</section>';
}

function projectTable(projects: ProjectView[], thresholdSeconds: number): string {
  if (projects.length === 0) return '<p>No folder counts yet (is <code>backbone_folders</code> in a pipeline?).</p>';
  const states = [...new Set(projects.flatMap((p) => p.states.map((s) => s.state)))].sort(compareStates);
  const head = states.map((s) => `<th>${esc(s)}</th>`).join('');
  const rows = projects.map((p) => {
    const cells = states.map((name) => {
      const s = p.states.find((x) => x.state === name);
      if (s === undefined) return '<td></td>';
      const detail = [s.issues === undefined || !ISSUE_STATES.has(s.state) ? '' : `${s.issues} issue${s.issues === 1 ? '' : 's'}`, s.messages > 0 ? formatAge(s.oldestAgeSeconds) : ''].filter(Boolean).join(', ');
      return `<td${s.attention ? ' class="attention" title="needs attention"' : ''}>${s.messages}${s.attention ? ' ⚠' : ''}${detail ? `<small>${esc(detail)}</small>` : ''}</td>`;
    }).join('');
    return `<tr><th scope="row">${esc(p.integration)} / ${esc(p.project)}</th>${cells}</tr>`;
  }).join('');
  return `<p class="legend">Messages per state; under each count the issue folders and the age of the oldest message. ⚠ marks error, sendfailed and invalid with messages in them, and messages older than ${esc(formatAge(thresholdSeconds))}.</p>`
    + `<div class="scroll"><table id="projects"><thead><tr><th>integration / project</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function filterForm(doc: StatusDocument, filter: MoveFilter): string {
  const integrations = [...new Set([...doc.projects.map((p) => p.integration), ...doc.synchronizations.map((s) => s.integration)])].sort();
  const projects = [...new Set(doc.projects.map((p) => p.project))].sort();
  const states = [...new Set(doc.projects.flatMap((p) => p.states.map((s) => s.state)))].sort(compareStates);
  const select = (name: keyof MoveFilter, label: string, values: string[]) => `<label>${label} <select name="${name}"><option value="">all</option>`
    + values.map((v) => `<option${filter[name] === v ? ' selected' : ''}>${esc(v)}</option>`).join('') + '</select></label>';
  return `<form method="get" action="/#moves" class="filter">${select('integration', 'integration', integrations)} ${select('project', 'project', projects)} ${select('state', 'state', states)} <button>filter</button></form>`;
}

export function renderPage(doc: StatusDocument, filter: MoveFilter): string {
  const { agent } = doc;
  const healthClass = agent.health.healthy ? 'ok' : 'bad';
  const syncs = doc.synchronizations;
  const unhealthy = syncs.filter((s) => !s.healthy).length;
  const restLine = !doc.rest.polled
    ? '<p>The REST poller has not reported yet (is <code>backbone_rest</code> in a pipeline?).</p>'
    : `<p>Backbone REST API: ${badge(doc.rest.up, 'answering', 'failing')}${doc.rest.lastError ? ` — last error at ${esc(time(doc.rest.lastError.time))}: ${esc(doc.rest.lastError.message)}` : ''}</p>`;
  const exporters = doc.exporters.map((e) => `<tr${e.state.endsWith('error') ? ' class="bad"' : ''}><td>${esc(e.id)}</td><td>${esc(e.pipeline ?? '')}</td><td>${esc(e.state)} <small>since ${esc(time(e.since))}</small></td>`
    + `<td>${e.queue ? `${e.queue.size} / ${e.queue.capacity}` : ''}</td><td>${e.sent}</td><td>${e.failed}</td><td>${e.dropped}</td><td>${esc(e.lastError ?? '')}</td></tr>`).join('');
  const receivers = doc.receivers.map((r) => `<tr${r.problems.length > 0 || r.state.endsWith('error') ? ' class="warn"' : ''}><td>${esc(r.id)}</td><td>${esc(r.state)} <small>since ${esc(time(r.since))}</small></td>`
    + `<td>${r.lastReport ? esc(time(r.lastReport)) : '<small>not yet</small>'}</td><td>${r.problems.map(esc).join('<br>')}${r.error ? esc(r.error) : ''}</td></tr>`).join('');
  const unknown = doc.unknownFolders.length === 0 ? '<p>None: every folder matches a state.</p>'
    : `<ul>${doc.unknownFolders.map((f) => `<li><code>${esc(f.path)}</code> <small>(${esc(f.integration)} / ${esc(f.project)}, seen ${esc(time(f.since))})</small></li>`).join('')}</ul>`;
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(agent.name)} status</title><style>${STYLE}</style></head>
<body data-latest="${doc.moves.latest}" data-filter="${esc(query)}">
<header><h1>${esc(agent.name)} <small>${esc(agent.version)}</small></h1>
<p><span class="b ${healthClass}" id="health">${esc(agent.health.status)}</span> ${agent.role === 'single' ? '' : `<span class="b ${agent.role === 'leader' ? 'ok' : 'u'}">${esc(agent.role)}</span> `}
up ${esc(formatAge(agent.uptimeSeconds))} · configuration <code>${esc(agent.configFile)}</code> · page generated ${esc(time(doc.generatedAt))}</p>
${agent.health.reason ? `<p class="bad">${esc(agent.health.reason)}</p>` : ''}</header>
<main>
<section id="synchronizations"><h2>Synchronizations <small>${syncs.length}${unhealthy > 0 ? `, ${unhealthy} need attention` : ''}</small></h2>${restLine}${syncs.map(synchronization).join('')}</section>
<section id="folders"><h2>Messages by project and state</h2>${doc.scan.durationSeconds === undefined ? '' : `<p><small>last scan took ${doc.scan.durationSeconds.toFixed(3)} s</small></p>`}${projectTable(doc.projects, doc.ageThresholdSeconds)}</section>
<section id="moves"><h2>Latest message moves <small>newest first, up to 500, live</small></h2>${filterForm(doc, filter)}
<div class="scroll"><table><thead><tr><th>time</th><th>integration</th><th>project</th><th>message</th><th>move</th><th>time in state</th><th>detected by</th></tr></thead>
<tbody id="move-rows">${doc.moves.items.map(renderMoveRow).join('')}</tbody></table></div>${doc.moves.items.length === 0 ? '<p id="no-moves">No moves seen yet.</p>' : ''}</section>
<section id="exporters"><h2>Exporters</h2><div class="scroll"><table><thead><tr><th>exporter</th><th>pipeline</th><th>state</th><th>queue</th><th>sent</th><th>failed</th><th>dropped</th><th>last error</th></tr></thead><tbody>${exporters}</tbody></table></div></section>
<section id="receivers"><h2>Receivers</h2><div class="scroll"><table><thead><tr><th>receiver</th><th>state</th><th>last report</th><th>problems</th></tr></thead><tbody>${receivers}</tbody></table></div>
<h3>Folders the layout does not know</h3>${unknown}</section>
</main><script>${SCRIPT}</script></body></html>
`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2125;background:#f7f8f9}header,main{padding:0 16px}h1{margin:12px 0 4px;font-size:20px}
h2{font-size:17px;margin:20px 0 8px;border-bottom:1px solid #dcdfe4}h3{font-size:15px;margin:12px 0 6px}small{color:#626f86;font-weight:normal}
table{border-collapse:collapse;background:#fff;width:100%}th,td{border:1px solid #dcdfe4;padding:3px 6px;text-align:left;vertical-align:top}td small{display:block}
.scroll{overflow-x:auto}.b{display:inline-block;padding:0 6px;border-radius:3px;font-weight:600}.ok{background:#dcfff1;color:#216e4e}.bad{background:#ffeceb;color:#ae2e24}
.warn{background:#fff7d6;color:#7f5f01}.u{background:#f1f2f4;color:#44546f}.attention{background:#ffeceb}section.sync{background:#fff;padding:4px 8px;margin:8px 0;border-left:4px solid #22a06b}
section.sync.attention{border-left-color:#c9372c}.filter{margin:6px 0}.legend{color:#44546f}code{font-size:13px}
@media (max-width:600px){body{font-size:13px}th,td{padding:2px 4px}}`;

// Progressive: without JavaScript the page is complete as rendered.
const SCRIPT = `(()=>{const b=document.body;let latest=Number(b.dataset.latest||0);const f=b.dataset.filter;
const rows=document.getElementById('move-rows');
async function moves(){try{const r=await fetch('/api/moves?after='+latest+(f?'&'+f:'')+'&format=html');if(!r.ok)return;const d=await r.json();
if(d.latest>latest){latest=d.latest;if(d.html){const t=document.createElement('tbody');t.innerHTML=d.html;
for(const n of [...t.rows].reverse()){const at=Number(n.dataset.time);const before=[...rows.rows].find((r)=>Number(r.dataset.time)<=at);rows.insertBefore(n,before||null);}
document.getElementById('no-moves')?.remove();while(rows.rows.length>500)rows.deleteRow(rows.rows.length-1);}}}catch{}}
async function rest(){try{const r=await fetch(location.pathname+location.search);if(!r.ok)return;const d=new DOMParser().parseFromString(await r.text(),'text/html');
for(const id of ['synchronizations','folders','exporters','receivers']){const n=d.getElementById(id),o=document.getElementById(id);if(n&&o)o.replaceWith(n);}
const h=d.querySelector('header'),o=document.querySelector('header');if(h&&o)o.replaceWith(h);}catch{}}
setInterval(moves,1000);setInterval(rest,10000);})();`;
