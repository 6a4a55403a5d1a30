// Intentions: the list (by precedence, live), a form to create or edit one (upsert by source and destination),
// delete, and the authorize answer for a pair (/v1/connect/intentions/check).
import { get, request, watch } from '../api.js';
import { h, failure, notice, show } from '../dom.js';
import { confirmAction } from '../confirm.js';

const q = encodeURIComponent;

export function render(main, _params, signal) {
  const status = h('div', { id: 'intentions-status' });
  const rows = h('tbody', { id: 'intention-rows' });
  const formMessage = h('div', { id: 'intention-message' });
  const source = h('input', { id: 'intention-source', name: 'source', required: true, placeholder: 'web or *' });
  const destination = h('input', { id: 'intention-destination', name: 'destination', required: true, placeholder: 'db or *' });
  const action = h('select', { id: 'intention-action', name: 'action' }, h('option', { value: 'allow' }, 'allow'), h('option', { value: 'deny' }, 'deny'));
  const description = h('input', { id: 'intention-description', name: 'description', placeholder: 'optional' });
  const form = h('form', { class: 'panel', id: 'intention-form', 'aria-labelledby': 'intention-form-heading' },
    h('h2', { id: 'intention-form-heading', class: 'flush' }, 'Create or edit an intention'),
    h('div', { class: 'row' },
      h('label', {}, 'Source service', source), h('label', {}, 'Destination service', destination), h('label', {}, 'Action', action)),
    h('label', {}, 'Description', description),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Save intention')),
    formMessage);

  const checkSource = h('input', { id: 'check-source', required: true });
  const checkDestination = h('input', { id: 'check-destination', required: true });
  const checkAnswer = h('div', { id: 'check-answer', 'aria-live': 'polite' });
  const checkForm = h('form', { class: 'panel', id: 'check-form', 'aria-labelledby': 'check-heading' },
    h('h2', { id: 'check-heading', class: 'flush' }, 'May a source connect to a destination?'),
    h('div', { class: 'row' }, h('label', {}, 'Source', checkSource), h('label', {}, 'Destination', checkDestination),
      h('button', { type: 'submit' }, 'Check')),
    checkAnswer);

  show(main, h('h1', {}, 'Intentions'), status,
    h('div', { class: 'scroll' }, h('table', {},
      h('caption', { class: 'sr-only' }, 'Intentions, highest precedence first'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Source'), h('th', { scope: 'col' }, 'Destination'), h('th', { scope: 'col' }, 'Action'),
        h('th', { scope: 'col', class: 'num' }, 'Precedence'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Description'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
      rows)),
    h('div', { class: 'split gap-top' }, form, checkForm));

  form.addEventListener('submit', async event => {
    event.preventDefault();
    show(formMessage);
    const src = source.value.trim();
    const dst = destination.value.trim();
    if (!src || !dst) { show(formMessage, notice('error', 'Both a source and a destination service are needed.')); return; }
    try {
      await request('PUT', `/v1/connect/intentions/exact?source=${q(src)}&destination=${q(dst)}`,
        { body: { Action: action.value, Description: description.value } });
    } catch (error) {
      show(formMessage, error.status === 403
        ? notice('denied', `Permission denied (403): ${error.message}`)
        : notice('error', `The server refused the intention: ${error.message}`));
      return;
    }
    const saved = [notice('ok', `Saved: ${src} → ${dst} ${action.value}.`)];
    try {
      const known = new Set(((await get('/v1/internal/ui/services')).data || []).map(s => s.Name));
      const missing = [src, dst].filter(name => name !== '*' && !known.has(name));
      if (missing.length) saved.push(notice('denied', `No service named ${missing.join(' or ')} is registered: the intention applies once it registers.`));
    } catch { /* the warning is a courtesy */ }
    show(formMessage, saved);
  });

  checkForm.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      const { data } = await get(`/v1/connect/intentions/check?source=${q(checkSource.value.trim())}&destination=${q(checkDestination.value.trim())}`);
      show(checkAnswer, notice(data?.Allowed ? 'ok' : 'error', data?.Allowed ? 'Allowed' : 'Denied'));
    } catch (error) {
      show(checkAnswer, error.status === 403 ? notice('denied', `Permission denied (403): ${error.message}`) : notice('error', error.message));
    }
  });

  const edit = i => {
    source.value = i.SourceName;
    destination.value = i.DestinationName;
    action.value = i.Action || 'allow';
    description.value = i.Description || '';
    show(formMessage, notice('', `Editing ${i.SourceName} → ${i.DestinationName}; save to apply.`));
    source.focus();
  };
  const remove = async i => {
    const sure = await confirmAction({
      title: 'Delete this intention?',
      message: `${i.SourceName} → ${i.DestinationName} (${i.Action || 'L7 permissions'}) is removed; connections then follow the next matching intention or the default policy.`,
    });
    if (!sure) return;
    try {
      await request('DELETE', `/v1/connect/intentions/exact?source=${q(i.SourceName)}&destination=${q(i.DestinationName)}`);
      show(status, notice('ok', `Deleted ${i.SourceName} → ${i.DestinationName}.`));
    } catch (error) {
      show(status, error.status === 403 ? notice('denied', `Permission denied (403): ${error.message}`) : notice('error', error.message));
    }
  };

  watch('/v1/connect/intentions', {
    signal,
    onData: ({ data }) => {
      const list = (Array.isArray(data) ? data : []).slice().sort((a, b) => (b.Precedence ?? 0) - (a.Precedence ?? 0));
      rows.replaceChildren(...list.map(i => h('tr', { 'data-source': i.SourceName, 'data-destination': i.DestinationName },
        h('td', {}, i.SourceName), h('td', {}, i.DestinationName),
        h('td', {}, i.Action ? h('span', { class: `status ${i.Action}` }, i.Action) : h('span', { class: 'tag' }, 'L7 permissions')),
        h('td', { class: 'num' }, String(i.Precedence ?? '')),
        h('td', { class: 'hide-narrow' }, i.Description || ''),
        h('td', {},
          h('button', { type: 'button', onclick: () => edit(i), 'aria-label': `Edit ${i.SourceName} to ${i.DestinationName}` }, 'Edit'), ' ',
          h('button', { type: 'button', class: 'danger', onclick: () => remove(i), 'aria-label': `Delete ${i.SourceName} to ${i.DestinationName}` }, 'Delete')))));
      if (list.length === 0) show(status, h('p', { class: 'muted' }, 'No intentions this token may read.'));
      else if (!status.querySelector('.ok')) show(status);
      main.dataset.loaded = 'intentions';
    },
    onError: (error, retry) => show(status, failure(error, 'intentions', retry)),
  });
}
