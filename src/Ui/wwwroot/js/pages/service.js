// One service: its instances with their checks and output, its upstreams and downstreams (intentions, sidecar
// upstreams, the discovery chain) and its compiled discovery chain drawn as a graph. All live.
import { watch } from '../api.js';
import { esc, h, failure, show, statusBadge, worstStatus } from '../dom.js';
import { chainGraph, chainServices } from '../chain-graph.js';

export function render(main, [name], signal) {
  const instances = h('div', { id: 'instances' }, h('p', { class: 'muted' }, 'Loading…'));
  const upstreams = h('div', { id: 'upstreams' });
  const downstreams = h('div', { id: 'downstreams' });
  const chain = h('div', { id: 'chain' });
  show(main,
    h('p', {}, h('a', { href: '#/services' }, '← All services')),
    h('h1', {}, name),
    h('section', { 'aria-labelledby': 'instances-heading' }, h('h2', { id: 'instances-heading' }, 'Instances'), instances),
    h('div', { class: 'split' },
      h('section', { 'aria-labelledby': 'up-heading' }, h('h2', { id: 'up-heading' }, 'Upstreams'), upstreams),
      h('section', { 'aria-labelledby': 'down-heading' }, h('h2', { id: 'down-heading' }, 'Downstreams'), downstreams)),
    h('section', { 'aria-labelledby': 'chain-heading' }, h('h2', { id: 'chain-heading' }, 'Discovery chain'), chain));

  const known = { intentions: null, proxies: [], chain: null };
  const drawLinks = () => {
    if (!known.intentions) return;
    const upstream = new Map();
    const downstream = new Map();
    for (const i of known.intentions) {
      if (i.SourceName === name || i.SourceName === '*') upstream.set(i.DestinationName, `intention: ${i.Action}`);
      if (i.DestinationName === name || i.DestinationName === '*') downstream.set(i.SourceName, `intention: ${i.Action}`);
    }
    for (const proxy of known.proxies) {
      for (const u of proxy.Service?.Proxy?.Upstreams || []) {
        if (u.DestinationName && !upstream.has(u.DestinationName)) upstream.set(u.DestinationName, 'sidecar upstream');
      }
    }
    for (const target of chainServices(known.chain)) {
      if (target !== name && !upstream.has(target)) upstream.set(target, 'discovery chain target');
    }
    const list = map => map.size === 0 ? h('p', { class: 'muted' }, 'None.') : h('ul', { class: 'links' },
      [...map].sort((a, b) => a[0].localeCompare(b[0])).map(([other, why]) => h('li', {},
        other === '*' ? h('strong', {}, '* (every service)') : h('a', { href: `#/services/${encodeURIComponent(other)}` }, other),
        ' ', h('span', { class: `status ${why.endsWith('deny') ? 'deny' : why.endsWith('allow') ? 'allow' : ''}` }, why))));
    show(upstreams, list(upstream));
    show(downstreams, list(downstream));
  };

  watch(`/v1/health/service/${encodeURIComponent(name)}`, {
    signal,
    onData: ({ data }) => {
      const rows = Array.isArray(data) ? data : [];
      if (rows.length === 0) { show(instances, h('p', { class: 'muted' }, 'No instances this token may read.')); return; }
      instances.innerHTML = `<div class="cards">${rows.map(row => {
        const s = row.Service;
        const checks = row.Checks || [];
        const address = s.Address || row.Node.Address;
        return `<article class="card instance" data-id="${esc(s.ID)}" data-status="${esc(worstStatus(checks))}">`
          + `<h3>${esc(s.ID)} ${statusBadge(worstStatus(checks))}</h3>`
          + `<dl class="facts"><dt>Node</dt><dd>${esc(row.Node.Node)}</dd><dt>Address</dt><dd>${esc(address)}:${esc(s.Port)}</dd>`
          + (s.Kind ? `<dt>Kind</dt><dd>${esc(s.Kind)}</dd>` : '')
          + ((s.Tags || []).length ? `<dt>Tags</dt><dd>${s.Tags.map(t => `<span class="tag">${esc(t)}</span>`).join('')}</dd>` : '')
          + `</dl><ul class="checks" aria-label="Checks of ${esc(s.ID)}">${checks.map(c =>
            `<li class="check" data-check="${esc(c.CheckID)}">${statusBadge(c.Status)} <strong>${esc(c.Name)}</strong>`
            + ` <span class="muted">${esc(c.ServiceID ? (c.Type || 'service check') : 'node check')}</span>`
            + (c.Output ? `<pre>${esc(c.Output)}</pre>` : '') + '</li>').join('') || '<li class="muted">No checks.</li>'}</ul></article>`;
      }).join('')}</div>`;
      main.dataset.loaded = 'service';
    },
    onError: error => show(instances, failure(error, `the instances of ${name}`)),
  });
  watch('/v1/connect/intentions', {
    signal,
    onData: ({ data }) => { known.intentions = Array.isArray(data) ? data : []; drawLinks(); },
    onError: error => { show(upstreams, failure(error, 'intentions')); show(downstreams); },
  });
  watch(`/v1/health/connect/${encodeURIComponent(name)}`, {
    signal,
    onData: ({ data }) => { known.proxies = Array.isArray(data) ? data : []; drawLinks(); },
  });
  watch(`/v1/discovery-chain/${encodeURIComponent(name)}`, {
    signal,
    onData: ({ data }) => {
      known.chain = data?.Chain ?? null;
      show(chain, known.chain ? chainGraph(known.chain) : h('p', { class: 'muted' }, 'No chain.'));
      drawLinks();
    },
    onError: error => show(chain, failure(error, `the discovery chain of ${name}`)),
  });
}
