// The Connect CA: trust domain, the active root, every root still trusted (the rotation history, oldest first)
// and the CA configuration (operator:read). Live.
import { watch } from '../api.js';
import { esc, h, failure, show } from '../dom.js';

export function render(main, _params, signal) {
  const roots = h('div', { id: 'ca-roots' }, h('p', { class: 'muted' }, 'Loading…'));
  const configuration = h('div', { id: 'ca-configuration' });
  show(main, h('h1', {}, 'Connect CA'), roots,
    h('section', { 'aria-labelledby': 'ca-config-heading' }, h('h2', { id: 'ca-config-heading' }, 'Configuration'), configuration));

  watch('/v1/connect/ca/roots', {
    signal,
    onData: ({ data }) => {
      const list = (data?.Roots || []).slice().sort((a, b) => (a.CreateIndex ?? 0) - (b.CreateIndex ?? 0));
      const active = list.find(r => r.ID === data.ActiveRootID);
      roots.innerHTML = `<dl class="facts"><dt>Trust domain</dt><dd id="ca-trust-domain">${esc(data?.TrustDomain)}</dd>`
        + `<dt>Active root</dt><dd id="ca-active-root">${esc(active?.Name ?? '')} <span class="muted">${esc(data?.ActiveRootID)}</span></dd>`
        + `<dt>Roots trusted</dt><dd id="ca-root-count">${list.length}</dd></dl>`
        + `<h2>Roots (rotation history, oldest first)</h2>${list.length > 1 ? `<p class="muted" id="ca-history">${list.length - 1} earlier root${list.length > 2 ? 's are' : ' is'} still trusted, so leaves they signed keep working until they expire.</p>` : ''}`
        + '<div class="scroll"><table><thead><tr><th scope="col">Name</th><th scope="col">State</th>'
        + '<th scope="col">Valid from</th><th scope="col">Valid until</th><th scope="col" class="hide-narrow">Key</th><th scope="col" class="num">Created at index</th></tr></thead><tbody>'
        + list.map(r => `<tr data-root="${esc(r.ID)}" data-active="${r.Active ? 'true' : 'false'}"><td>${esc(r.Name)}<br><span class="muted">${esc(r.ID)}</span></td>`
          + `<td>${r.Active ? '<span class="status passing">active</span>' : '<span class="status zero">rotated out</span> <span class="muted">still trusted</span>'}`
          + `${(r.IntermediateCerts || []).length ? ' <span class="tag" title="Leaves of this root carry a certificate cross-signed by the previous root">cross-signed</span>' : ''}</td>`
          + `<td>${esc(r.NotBefore)}</td><td>${esc(r.NotAfter)}</td><td class="hide-narrow">${esc(r.PrivateKeyType)} ${esc(r.PrivateKeyBits)}</td>`
          + `<td class="num">${esc(r.CreateIndex)}</td></tr>`
          + `<tr><td colspan="6"><details><summary>Certificate of ${esc(r.Name)}</summary><pre>${esc(r.RootCert)}</pre></details></td></tr>`).join('')
        + '</tbody></table></div>';
      main.dataset.loaded = 'ca';
    },
    onError: (error, retry) => show(roots, failure(error, 'the CA roots', retry)),
  });
  watch('/v1/connect/ca/configuration', {
    signal,
    onData: ({ data }) => show(configuration,
      h('dl', { class: 'facts' }, h('dt', {}, 'Provider'), h('dd', {}, data?.Provider ?? '')),
      h('pre', {}, JSON.stringify(data?.Config ?? {}, null, 2))),
    onError: (error, retry) => show(configuration, failure(error, 'the CA configuration', retry)),
  });
}
