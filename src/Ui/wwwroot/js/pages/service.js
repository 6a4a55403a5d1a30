// One service: its instances with their checks and output, its sidecar proxies, its upstreams and downstreams
// (the server's service topology, with the intention decision for each) and its compiled discovery chain drawn
// as a graph. All live.
import { watch } from '../api.js';
import { esc, h, failure, show, statusBadge, worstStatus } from '../dom.js';
import { chainGraph } from '../chain-graph.js';

export function render(main, [name], signal) {
  const instances = h('div', { id: 'instances' }, h('p', { class: 'muted' }, 'Loading…'));
  const upstreams = h('div', { id: 'upstreams' });
  const downstreams = h('div', { id: 'downstreams' });
  const chain = h('div', { id: 'chain' });
  const proxies = h('div', { id: 'proxies' });
  show(main,
    h('p', {}, h('a', { href: '#/services' }, '← All services')),
    h('h1', {}, name),
    h('section', { 'aria-labelledby': 'instances-heading' }, h('h2', { id: 'instances-heading' }, 'Instances'), instances),
    h('section', { 'aria-labelledby': 'proxies-heading' }, h('h2', { id: 'proxies-heading' }, 'Sidecar proxies'), proxies),
    h('div', { class: 'split' },
      h('section', { 'aria-labelledby': 'up-heading' }, h('h2', { id: 'up-heading' }, 'Upstreams'), upstreams),
      h('section', { 'aria-labelledby': 'down-heading' }, h('h2', { id: 'down-heading' }, 'Downstreams'), downstreams)),
    h('section', { 'aria-labelledby': 'chain-heading' }, h('h2', { id: 'chain-heading' }, 'Discovery chain'), chain));

  // Upstreams and downstreams come from the server (/v1/internal/ui/service-topology/:service, service:read on
  // this service): each with why it is linked and the intention decision for the pair.
  const SOURCES = { 'proxy-registration': 'proxy upstream', 'specific-intention': 'intention', 'routing-config': 'routing config' };
  const list = links => links.length === 0 ? h('p', { class: 'muted' }, 'None.') : h('ul', { class: 'links' },
    links.map(link => {
      const decision = link.Intention || {};
      const verdict = decision.Allowed ? 'allow' : 'deny';
      return h('li', { 'data-name': link.Name, 'data-source': link.Source, 'data-allowed': String(!!decision.Allowed) },
        h('a', { href: `#/services/${encodeURIComponent(link.Name)}` }, link.Name), ' ',
        h('span', { class: `status ${verdict}`, title: decision.Reason || '' }, decision.Allowed ? 'allowed' : 'denied'),
        h('span', { class: 'muted why' }, `${SOURCES[link.Source] ?? link.Source}${decision.HasExact ? ', exact intention' : decision.HasPermissions ? ', L7 permissions' : ''}`));
    }));
  watch(`/v1/internal/ui/service-topology/${encodeURIComponent(name)}`, {
    signal,
    onData: ({ data }) => {
      show(upstreams, list(data?.Upstreams || []), data?.FilteredByACLs ? h('p', { class: 'muted' }, 'Some links are hidden: the token may not read those services.') : null);
      show(downstreams, list(data?.Downstreams || []));
    },
    onError: (error, retry) => { show(upstreams, failure(error, `the upstreams and downstreams of ${name}`, retry)); show(downstreams); },
  });

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
    onError: (error, retry) => show(instances, failure(error, `the instances of ${name}`, retry)),
  });
  watch(`/v1/health/connect/${encodeURIComponent(name)}`, {
    signal,
    onData: ({ data }) => {
      const rows = (Array.isArray(data) ? data : []).filter(row => row.Service?.Kind === 'connect-proxy');
      show(proxies, rows.length === 0 ? h('p', { class: 'muted' }, 'No sidecar proxy is registered for this service.') : h('ul', { class: 'links' },
        rows.map(row => h('li', { 'data-proxy': row.Service.ID, 'data-status': worstStatus(row.Checks || []) },
          h('strong', {}, row.Service.ID), ' ', h('span', { html: statusBadge(worstStatus(row.Checks || [])) }),
          h('span', { class: 'muted why' }, `${row.Service.Service} on ${row.Node.Node}, port ${row.Service.Port}`)))));
    },
    onError: (error, retry) => show(proxies, failure(error, `the sidecar proxies of ${name}`, retry)),
  });
  watch(`/v1/discovery-chain/${encodeURIComponent(name)}`, {
    signal,
    onData: ({ data }) => {
      const compiled = data?.Chain ?? null;
      show(chain, compiled ? chainGraph(compiled) : h('p', { class: 'muted' }, 'No chain.'));
    },
    onError: (error, retry) => show(chain, failure(error, `the discovery chain of ${name}`, retry)),
  });
}
