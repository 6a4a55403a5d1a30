// Services: every service the token may read, with kind, tags, instances and check counts; a filter box; live.
import { currentToken, watch } from '../api.js';
import { esc, h, failure, show, healthCounts } from '../dom.js';

export function render(main, _params, signal) {
  const filter = h('input', { id: 'service-filter', type: 'search', placeholder: 'Name, tag or kind', 'aria-controls': 'service-rows' });
  const count = h('span', { class: 'muted', id: 'service-count', 'aria-live': 'polite' });
  const status = h('div', { id: 'services-status' });
  const rows = h('tbody', { id: 'service-rows' });
  show(main,
    h('h1', {}, 'Services'),
    h('div', { class: 'toolbar' }, h('label', { for: 'service-filter' }, 'Filter'), filter, count),
    status,
    h('div', { class: 'scroll' }, h('table', { class: 'list', id: 'services-table' },
      h('caption', { class: 'sr-only' }, 'Services with their instances and health checks'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Tags'),
        h('th', { scope: 'col', class: 'num' }, 'Instances'), h('th', { scope: 'col' }, 'Health checks'))),
      rows)));

  let total = 0;
  const applyFilter = () => {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows.rows) {
      const keep = words.every(word => row.dataset.search.includes(word));
      row.hidden = !keep;
      if (keep) shown++;
    }
    count.textContent = words.length ? `${shown} of ${total} services` : `${total} services`;
  };
  filter.addEventListener('input', applyFilter);

  watch('/v1/internal/ui/services', {
    signal,
    onData: ({ data, filtered }) => {
      const list = Array.isArray(data) ? data : [];
      total = list.length;
      // One innerHTML for the whole table: fast with thousands of rows.
      rows.innerHTML = list.map(s => {
        const search = [s.Name, s.Kind, ...(s.Tags || []), s.ConnectedWithProxy ? 'proxy mesh' : ''].join(' ').toLowerCase();
        // Sidecar proxies are folded into the row of the service they front (as in Consul's UI): the row says so.
        const proxied = s.ConnectedWithProxy
          ? ' <span class="tag proxy" data-proxy="true" title="Sidecar proxies are registered for this service">connected with proxy</span>' : '';
        return `<tr data-name="${esc(s.Name)}" data-search="${esc(search)}">`
          + `<td><a href="#/services/${encodeURIComponent(s.Name)}">${esc(s.Name)}</a>${proxied}</td>`
          + `<td>${esc(s.Kind || 'service')}${s.ConnectNative ? ' <span class="tag">native</span>' : ''}</td>`
          + `<td class="hide-narrow">${(s.Tags || []).map(t => `<span class="tag">${esc(t)}</span>`).join('')}</td>`
          + `<td class="num">${s.InstanceCount}</td>`
          + `<td>${healthCounts(s.ChecksPassing, s.ChecksWarning, s.ChecksCritical)}</td></tr>`;
      }).join('');
      applyFilter();
      show(status, total === 0
        ? h('p', { class: 'muted' }, filtered ? 'No services this token may read.' : currentToken() ? 'No services registered.' : 'No services registered, or none readable without a token.')
        : filtered ? h('p', { class: 'muted' }, 'Some services are hidden: the token may not read them.') : null);
      window.meshUiTimings ??= {};
      window.meshUiTimings.servicesRendered ??= performance.now();
      main.dataset.loaded = 'services';
    },
    onError: (error, retry) => show(status, failure(error, 'services', retry)),
  });
}
