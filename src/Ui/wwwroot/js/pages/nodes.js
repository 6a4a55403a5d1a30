// Nodes: every node the token may read, with its address, its node-level checks and the services it runs (each a
// link to the service); the name opens the node's own page. Live.
import { watch } from '../api.js';
import { esc, h, failure, show, healthCounts } from '../dom.js';

export function render(main, _params, signal) {
  const status = h('div', {});
  const rows = h('tbody', { id: 'node-rows' });
  show(main, h('h1', {}, 'Nodes'), status,
    h('div', { class: 'scroll' }, h('table', {},
      h('caption', { class: 'sr-only' }, 'Nodes with their checks and services'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Address'),
        h('th', { scope: 'col', class: 'hide-narrow' }, 'Datacenter'), h('th', { scope: 'col' }, 'Node checks'), h('th', { scope: 'col' }, 'Services'))),
      rows)));
  let nodes = null;
  let checks = [];
  let services = [];
  const draw = () => {
    if (nodes === null) return;
    const byNode = new Map();
    for (const c of checks) {
      if (c.ServiceID) continue;
      const counts = byNode.get(c.Node) ?? { passing: 0, warning: 0, critical: 0 };
      counts[c.Status === 'passing' ? 'passing' : c.Status === 'warning' ? 'warning' : 'critical']++;
      byNode.set(c.Node, counts);
    }
    // The services on each node, from the service summaries' node lists (proxies are folded into their service).
    const servicesOn = new Map();
    for (const s of services) {
      for (const node of s.Nodes || []) {
        if (!servicesOn.has(node)) servicesOn.set(node, []);
        servicesOn.get(node).push(s.Name);
      }
    }
    rows.innerHTML = nodes.map(n => {
      const c = byNode.get(n.Node) ?? { passing: 0, warning: 0, critical: 0 };
      const names = servicesOn.get(n.Node) ?? [];
      return `<tr data-node="${esc(n.Node)}"><td><a href="#/nodes/${encodeURIComponent(n.Node)}">${esc(n.Node)}</a></td><td>${esc(n.Address)}</td>`
        + `<td class="hide-narrow">${esc(n.Datacenter)}</td><td>${healthCounts(c.passing, c.warning, c.critical)}</td>`
        + `<td class="node-services">${names.map(name => `<span class="tag" data-service="${esc(name)}"><a href="#/services/${encodeURIComponent(name)}">${esc(name)}</a></span>`).join('')
          || '<span class="muted">none</span>'}</td></tr>`;
    }).join('');
    show(status, nodes.length === 0 ? h('p', { class: 'muted' }, 'No nodes this token may read.') : null);
    main.dataset.loaded = 'nodes';
  };
  watch('/v1/catalog/nodes', { signal, onData: ({ data }) => { nodes = data || []; draw(); }, onError: (e, retry) => show(status, failure(e, 'nodes', retry)) });
  watch('/v1/health/state/any', { signal, onData: ({ data }) => { checks = data || []; draw(); } });
  watch('/v1/internal/ui/services', { signal, onData: ({ data }) => { services = Array.isArray(data) ? data : []; draw(); } });
}
