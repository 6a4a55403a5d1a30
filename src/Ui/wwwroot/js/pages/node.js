// One node: its addresses and metadata, the service instances registered on it (with each one's health) and
// every check on it (node checks and service checks) with its output. Live.
import { watch } from '../api.js';
import { esc, h, failure, show, statusBadge, worstStatus } from '../dom.js';

export function render(main, [name], signal) {
  const facts = h('div', { id: 'node-facts' }, h('p', { class: 'muted' }, 'Loading…'));
  const services = h('div', { id: 'node-services' });
  const checks = h('div', { id: 'node-checks' });
  show(main,
    h('p', {}, h('a', { href: '#/nodes' }, '← All nodes')),
    h('h1', {}, name),
    facts,
    h('section', { 'aria-labelledby': 'node-services-heading' }, h('h2', { id: 'node-services-heading' }, 'Service instances'), services),
    h('section', { 'aria-labelledby': 'node-checks-heading' }, h('h2', { id: 'node-checks-heading' }, 'Checks'), checks));

  let catalog = null;
  let health = null;
  const draw = () => {
    if (catalog === null) return;
    if (!catalog) {
      show(facts, h('p', { class: 'muted' }, `No node named ${name}, or the token may not read it.`));
      show(services);
      main.dataset.loaded = 'node';
      return;
    }
    const node = catalog.Node;
    const meta = Object.entries(node.Meta || {});
    facts.innerHTML = `<dl class="facts"><dt>Address</dt><dd id="node-address">${esc(node.Address)}</dd><dt>Datacenter</dt><dd>${esc(node.Datacenter)}</dd>`
      + Object.entries(node.TaggedAddresses || {}).map(([k, v]) => `<dt>${esc(k)} address</dt><dd>${esc(v)}</dd>`).join('')
      + (meta.length ? `<dt>Meta</dt><dd>${meta.map(([k, v]) => `<span class="tag">${esc(k)}=${esc(v)}</span>`).join('')}</dd>` : '')
      + `<dt>ID</dt><dd>${esc(node.ID)}</dd></dl>`;
    const list = Object.values(catalog.Services || {}).sort((a, b) => a.ID.localeCompare(b.ID));
    const checksOf = id => (health || []).filter(c => c.ServiceID === id || !c.ServiceID);
    services.innerHTML = list.length === 0 ? '<p class="muted">No services on this node.</p>'
      : '<div class="scroll"><table><thead><tr><th scope="col">Instance</th><th scope="col">Service</th><th scope="col">Kind</th>'
        + '<th scope="col" class="num">Port</th><th scope="col">Health</th><th scope="col" class="hide-narrow">Tags</th></tr></thead><tbody>'
        + list.map(s => `<tr data-instance="${esc(s.ID)}"><td>${esc(s.ID)}</td><td><a href="#/services/${encodeURIComponent(s.Service)}">${esc(s.Service)}</a></td>`
          + `<td>${esc(s.Kind || 'service')}</td><td class="num">${esc(s.Port)}</td><td>${statusBadge(worstStatus(checksOf(s.ID)))}</td>`
          + `<td class="hide-narrow">${(s.Tags || []).map(t => `<span class="tag">${esc(t)}</span>`).join('')}</td></tr>`).join('')
        + '</tbody></table></div>';
    main.dataset.loaded = 'node';
  };
  watch(`/v1/catalog/node/${encodeURIComponent(name)}`, {
    signal,
    onData: ({ data }) => { catalog = data || false; draw(); },
    onError: (error, retry) => show(facts, failure(error, `node ${name}`, retry)),
  });
  watch(`/v1/health/node/${encodeURIComponent(name)}`, {
    signal,
    onData: ({ data }) => {
      health = Array.isArray(data) ? data : [];
      checks.innerHTML = health.length === 0 ? '<p class="muted">No checks this token may read.</p>'
        : `<ul class="checks">${health.map(c => `<li class="check" data-check="${esc(c.CheckID)}" data-status="${esc(c.Status)}">${statusBadge(c.Status)} <strong>${esc(c.Name)}</strong>`
          + ` <span class="muted">${esc(c.ServiceID ? `service ${c.ServiceName} (${c.ServiceID})` : 'node check')}</span>`
          + (c.Notes ? `<div class="muted">${esc(c.Notes)}</div>` : '')
          + (c.Output ? `<pre>${esc(c.Output)}</pre>` : '') + '</li>').join('')}</ul>`;
      draw();
    },
    onError: (error, retry) => show(checks, failure(error, `the checks of node ${name}`, retry)),
  });
}
