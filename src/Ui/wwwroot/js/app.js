// The single-page app: hash routes (#/services, #/services/web, ...), the token box, the connection banner.
import { connection, currentToken, storeToken } from './api.js';
import { h, show } from './dom.js';
import * as services from './pages/services.js';
import * as service from './pages/service.js';
import * as nodes from './pages/nodes.js';
import * as node from './pages/node.js';
import * as intentions from './pages/intentions.js';
import * as config from './pages/config.js';
import * as ca from './pages/ca.js';
import * as cluster from './pages/cluster.js';

const routes = [
  { pattern: /^\/services\/?$/, page: services, nav: '#/services' },
  { pattern: /^\/services\/(.+)$/, page: service, nav: '#/services' },
  { pattern: /^\/nodes\/?$/, page: nodes, nav: '#/nodes' },
  { pattern: /^\/nodes\/(.+)$/, page: node, nav: '#/nodes' },
  { pattern: /^\/intentions\/?$/, page: intentions, nav: '#/intentions' },
  { pattern: /^\/config\/?$/, page: config, nav: '#/config' },
  { pattern: /^\/config\/([^/]+)$/, page: config, nav: '#/config' },
  { pattern: /^\/ca\/?$/, page: ca, nav: '#/ca' },
  { pattern: /^\/cluster\/?$/, page: cluster, nav: '#/cluster' },
];

const main = document.getElementById('main-content');
let current = null;

function route() {
  const path = decodeURIComponent(location.hash.replace(/^#/, '')) || '/services';
  if (path === '/' || path === '') { location.replace('#/services'); return; }
  const match = routes.map(r => ({ r, m: r.pattern.exec(path) })).find(x => x.m);
  current?.abort();
  current = new AbortController();
  for (const link of document.querySelectorAll('nav a')) {
    if (match && link.getAttribute('href') === match.r.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!match) {
    show(main, h('h1', {}, 'Not found'), h('p', {}, 'No page at ', h('code', {}, path), '. ', h('a', { href: '#/services' }, 'Services')));
    return;
  }
  show(main);
  delete main.dataset.loaded; // each page sets it once its first answer is drawn
  match.r.page.render(main, match.m.slice(1), current.signal);
}

// The token box: kept in localStorage, sent as X-Consul-Token; changing it shows the page again with the new token.
const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token-input');
const tokenState = document.getElementById('token-state');
function showTokenState() {
  tokenState.textContent = currentToken() ? 'token in use' : 'no token';
}
tokenInput.value = currentToken();
showTokenState();
tokenForm.addEventListener('submit', event => {
  event.preventDefault();
  storeToken(tokenInput.value.trim());
  showTokenState();
  route();
});
document.getElementById('token-clear').addEventListener('click', () => {
  tokenInput.value = '';
  storeToken('');
  showTokenState();
  route();
});

// The skip link moves focus to the page (a hash link would change the route).
document.getElementById('skip').addEventListener('click', event => {
  event.preventDefault();
  main.focus();
});

// The banner while the server cannot be reached; the pages keep retrying and fill in again when it is back.
const banner = document.getElementById('banner');
connection.addEventListener('down', () => {
  banner.textContent = 'The Mesh server cannot be reached. Retrying; this page updates when it is back.';
  banner.hidden = false;
});
connection.addEventListener('up', () => {
  banner.hidden = true;
  banner.textContent = '';
});

window.addEventListener('hashchange', route);
route();
