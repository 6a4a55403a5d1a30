// The cluster: the Raft servers (leader, voter, last index), the Raft index, and autopilot's health. Polled,
// since these answers change without a store write.
import { watch } from '../api.js';
import { esc, h, failure, show } from '../dom.js';

export function render(main, _params, signal) {
  const raft = h('div', { id: 'cluster-raft' }, h('p', { class: 'muted' }, 'Loading…'));
  const health = h('div', { id: 'cluster-health' });
  show(main, h('h1', {}, 'Cluster'),
    h('section', { 'aria-labelledby': 'raft-heading' }, h('h2', { id: 'raft-heading' }, 'Servers'), raft),
    h('section', { 'aria-labelledby': 'health-heading' }, h('h2', { id: 'health-heading' }, 'Autopilot health'), health));

  watch('/v1/operator/raft/configuration', {
    signal, blocking: false, pollMs: 2000,
    onData: ({ data }) => {
      const servers = data?.Servers || [];
      const leader = servers.find(s => s.Leader);
      raft.innerHTML = `<dl class="facts"><dt>Leader</dt><dd id="cluster-leader">${leader ? `${esc(leader.Node)} (${esc(leader.Address)})` : 'none'}</dd>`
        + `<dt>Raft index</dt><dd id="cluster-index">${esc(data?.Index)}</dd><dt>Servers</dt><dd>${servers.length}</dd></dl>`
        + '<div class="scroll"><table><thead><tr><th scope="col">Node</th><th scope="col">Address</th><th scope="col">Role</th><th scope="col">Voter</th>'
        + '<th scope="col" class="num">Last index</th><th scope="col" class="hide-narrow">ID</th></tr></thead><tbody>'
        + servers.map(s => `<tr data-server="${esc(s.Node)}"><td>${esc(s.Node)}</td><td>${esc(s.Address)}</td>`
          + `<td>${s.Leader ? '<span class="status passing">leader</span>' : 'follower'}</td><td>${s.Voter ? 'yes' : 'no'}</td>`
          + `<td class="num">${esc(s.LastIndex)}</td><td class="hide-narrow">${esc(s.ID)}</td></tr>`).join('')
        + '</tbody></table></div>';
      main.dataset.loaded = 'cluster';
    },
    onError: (error, retry) => show(raft, failure(error, 'the Raft configuration', retry)),
  });
  watch('/v1/operator/autopilot/health', {
    signal, blocking: false, pollMs: 2000,
    onData: ({ data }) => {
      const servers = data?.Servers || [];
      health.innerHTML = `<dl class="facts"><dt>Healthy</dt><dd id="cluster-healthy">${data?.Healthy ? '<span class="status passing">healthy</span>' : '<span class="status critical">unhealthy</span>'}</dd>`
        + `<dt>Failure tolerance</dt><dd>${esc(data?.FailureTolerance)}</dd></dl>`
        + '<div class="scroll"><table><thead><tr><th scope="col">Name</th><th scope="col">Health</th><th scope="col">Serf</th>'
        + '<th scope="col">Last contact</th><th scope="col" class="num">Last term</th><th scope="col" class="num">Last index</th><th scope="col" class="hide-narrow">Version</th></tr></thead><tbody>'
        + servers.map(s => `<tr><td>${esc(s.Name)}${s.Leader ? ' <span class="tag">leader</span>' : ''}</td>`
          + `<td>${s.Healthy ? '<span class="status passing">healthy</span>' : '<span class="status critical">unhealthy</span>'}</td>`
          + `<td>${esc(s.SerfStatus)}</td><td>${esc(s.LastContact)}</td><td class="num">${esc(s.LastTerm)}</td><td class="num">${esc(s.LastIndex)}</td>`
          + `<td class="hide-narrow">${esc(s.Version)}</td></tr>`).join('')
        + '</tbody></table></div>';
    },
    onError: (error, retry) => show(health, failure(error, 'autopilot health', retry)),
  });
}
