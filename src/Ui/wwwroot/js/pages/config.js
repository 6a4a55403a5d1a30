// Config entries by kind: the kinds, each kind's entries as JSON (live), and a JSON editor that saves through
// PUT /v1/config. JSON that does not parse is refused in the page (nothing is sent); the server's own
// validation errors are shown as it words them.
import { request, watch } from '../api.js';
import { h, failure, notice, show } from '../dom.js';
import { confirmAction } from '../confirm.js';

const KINDS = [
  'service-defaults', 'proxy-defaults', 'service-router', 'service-splitter', 'service-resolver', 'service-intentions',
  'ingress-gateway', 'terminating-gateway', 'mesh', 'exported-services', 'api-gateway', 'http-route', 'tcp-route',
  'inline-certificate', 'jwt-provider', 'sameness-group', 'control-plane-request-limit', 'rate-limit-ip-config',
];

export function render(main, [kind], signal) {
  const kindNav = h('nav', { 'aria-label': 'Config entry kinds' }, h('ul', { class: 'links kinds' },
    KINDS.map(k => h('li', {}, h('a', { href: `#/config/${k}`, 'aria-current': k === kind ? 'page' : undefined }, k)))));
  if (!kind) {
    show(main, h('h1', {}, 'Config entries'), h('p', {}, 'Choose a kind:'), kindNav);
    main.dataset.loaded = 'config';
    return;
  }
  const status = h('div', { id: 'config-status' });
  const entries = h('div', { id: 'config-entries' });
  const editor = h('textarea', { id: 'config-editor', class: 'json', spellcheck: 'false', 'aria-describedby': 'config-editor-help' });
  const message = h('div', { id: 'config-message' });
  const form = h('form', { class: 'panel wide', id: 'config-form', 'aria-labelledby': 'config-editor-heading' },
    h('h2', { id: 'config-editor-heading', class: 'flush' }, 'Edit an entry'),
    h('label', { for: 'config-editor' }, 'Entry as JSON'),
    h('p', { id: 'config-editor-help', class: 'muted flush' }, 'The JSON is checked in the page, then validated by the server; an entry with the same Kind and Name is replaced.'),
    editor,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Save entry'),
      h('button', { type: 'button', onclick: () => { editor.value = template(kind); show(message); editor.focus(); } }, 'New entry')),
    message);
  editor.value = template(kind);
  show(main, h('p', {}, h('a', { href: '#/config' }, '← All kinds')), h('h1', {}, `Config entries: ${kind}`), status, entries, form);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    let entry;
    try {
      entry = JSON.parse(editor.value);
    } catch (error) {
      show(message, notice('error', `Invalid JSON, nothing was saved: ${error.message}`));
      return;
    }
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      show(message, notice('error', 'Invalid entry, nothing was saved: the JSON must be an object with Kind and Name.'));
      return;
    }
    try {
      await request('PUT', '/v1/config', { body: JSON.stringify(entry) });
      show(message, notice('ok', `Saved ${entry.Kind ?? kind} ${entry.Name ?? ''}.`));
    } catch (error) {
      show(message, error.status === 403
        ? notice('denied', `Permission denied (403): ${error.message}`)
        : notice('error', `The server refused the entry (${error.status}): ${error.message}`));
    }
  });

  watch(`/v1/config/${encodeURIComponent(kind)}`, {
    signal,
    onData: ({ data }) => {
      const list = Array.isArray(data) ? data : [];
      show(status, list.length === 0 ? h('p', { class: 'muted' }, `No ${kind} entries this token may read.`) : null);
      entries.replaceChildren(...list.map(entry => h('details', { class: 'card entry', 'data-entry': entry.Name },
        h('summary', {}, h('strong', {}, entry.Name)),
        h('pre', {}, JSON.stringify(entry, null, 2)),
        h('button', { type: 'button', onclick: () => { editor.value = JSON.stringify(editable(entry), null, 2); show(message); editor.focus(); } }, 'Edit'), ' ',
        h('button', { type: 'button', class: 'danger', onclick: () => remove(entry), 'aria-label': `Delete ${kind} ${entry.Name}` }, 'Delete'))));
      main.dataset.loaded = 'config-kind';
    },
    onError: (error, retry) => show(status, failure(error, `${kind} entries`, retry)),
  });

  async function remove(entry) {
    const sure = await confirmAction({ title: `Delete ${kind} ${entry.Name}?`, message: `The ${kind} config entry named ${entry.Name} is removed from the cluster.` });
    if (!sure) return;
    try {
      await request('DELETE', `/v1/config/${encodeURIComponent(kind)}/${encodeURIComponent(entry.Name)}`);
      show(message, notice('ok', `Deleted ${kind} ${entry.Name}.`));
    } catch (error) {
      show(message, error.status === 403 ? notice('denied', `Permission denied (403): ${error.message}`) : notice('error', error.message));
    }
  }
}

function editable(entry) {
  const { CreateIndex: _c, ModifyIndex: _m, Hash: _h, ...rest } = entry;
  return rest;
}

function template(kind) {
  const examples = {
    'service-defaults': { Kind: kind, Name: 'web', Protocol: 'http' },
    'proxy-defaults': { Kind: kind, Name: 'global', Config: { protocol: 'http' } },
    'service-resolver': { Kind: kind, Name: 'web', ConnectTimeout: '5s' },
    'service-splitter': { Kind: kind, Name: 'web', Splits: [{ Weight: 100, Service: 'web' }] },
    'service-router': { Kind: kind, Name: 'web', Routes: [{ Match: { HTTP: { PathPrefix: '/' } }, Destination: { Service: 'web' } }] },
    'service-intentions': { Kind: kind, Name: 'db', Sources: [{ Name: 'web', Action: 'allow' }] },
    mesh: { Kind: kind, Name: 'mesh' },
  };
  return JSON.stringify(examples[kind] ?? { Kind: kind, Name: '' }, null, 2);
}
