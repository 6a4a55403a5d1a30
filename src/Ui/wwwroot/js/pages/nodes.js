// Nodes: every node the token may read, with its address and its node-level checks; live.
import { watch } from '../api.js';
import { esc, h, failure, show, healthCounts } from '../dom.js';

export function render(main, _params, signal) {
  const status = h('div', {});
  const rows = h('tbody', { id: 'node-rows' });
  show(main, h('h1', {}, 'Nodes'), status,
    h('div', { class: 'scroll' }, h('table', {},
      h('caption', { class: 'sr-only' }, 'Nodes'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Address'),
        h('th', { scope: 'col', class: 'hide-narrow' }, 'Datacenter'), h('th', { scope: 'col' }, 'Node checks'))),
      rows)));
  let nodes = [];
  let checks = [];
  const draw = () => {
    const byNode = new Map();
    for (const c of checks) {
      if (c.ServiceID) continue;
      const counts = byNode.get(c.Node) ?? { passing: 0, warning: 0, critical: 0 };
      counts[c.Status === 'passing' ? 'passing' : c.Status === 'warning' ? 'warning' : 'critical']++;
      byNode.set(c.Node, counts);
    }
    rows.innerHTML = nodes.map(n => {
      const c = byNode.get(n.Node) ?? { passing: 0, warning: 0, critical: 0 };
      return `<tr data-node="${esc(n.Node)}"><td>${esc(n.Node)}</td><td>${esc(n.Address)}</td><td class="hide-narrow">${esc(n.Datacenter)}</td>`
        + `<td>${healthCounts(c.passing, c.warning, c.critical)}</td></tr>`;
    }).join('');
    show(status, nodes.length === 0 ? h('p', { class: 'muted' }, 'No nodes this token may read.') : null);
    main.dataset.loaded = 'nodes';
  };
  watch('/v1/catalog/nodes', { signal, onData: ({ data }) => { nodes = data || []; draw(); }, onError: e => show(status, failure(e, 'nodes')) });
  watch('/v1/health/state/any', { signal, onData: ({ data }) => { checks = data || []; draw(); } });
}
