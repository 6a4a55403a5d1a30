// An accessible confirmation before a destructive action: a modal <dialog> (focus stays inside it, Escape
// cancels, the page behind is inert), with focus on Cancel first so Enter alone never deletes, and focus back on
// the control that opened it afterwards. Resolves to true only when the action button is chosen.
import { h } from './dom.js';

export function confirmAction({ title, message, action = 'Delete' }) {
  return new Promise(resolve => {
    const opener = document.activeElement;
    const cancel = h('button', { type: 'button', id: 'confirm-cancel' }, 'Cancel');
    const accept = h('button', { type: 'button', id: 'confirm-accept', class: 'danger' }, action);
    const dialog = h('dialog', { id: 'confirm-dialog', class: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-message' },
      h('h2', { id: 'confirm-title', class: 'flush' }, title),
      h('p', { id: 'confirm-message' }, message),
      h('div', { class: 'row' }, cancel, accept));
    let answered = false;
    const finish = value => {
      if (answered) return;
      answered = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      // The opener may have been redrawn meanwhile (live lists): then focus goes to the page.
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      else document.getElementById('main-content')?.focus();
      resolve(value);
    };
    cancel.addEventListener('click', () => finish(false));
    accept.addEventListener('click', () => finish(true));
    dialog.addEventListener('cancel', event => { event.preventDefault(); finish(false); }); // Escape
    dialog.addEventListener('close', () => finish(false));
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
