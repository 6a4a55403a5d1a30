// Small DOM helpers: escaped HTML for large lists (one innerHTML per table), elements for everything interactive.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, c => ESCAPES[c]);
}

/** Creates an element: h('button', { class: 'primary', onclick }, 'Save'). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'html') element.innerHTML = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** A message box: kind is 'error', 'denied', 'ok' or '' (plain). Errors are announced. */
export function notice(kind, text) {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' || kind === 'denied' ? 'alert' : 'status' }, text);
}

/**
 * How an API failure reads in a page: a 403 says the token lacks the permission. With retry (the watch's
 * { retryInMs }) the message says the page keeps trying and fills in by itself once the server answers.
 */
export function failure(error, what, retry) {
  const again = retry ? ` Retrying every few seconds; this part of the page fills in by itself once the server answers.` : '';
  const box = (kind, text) => {
    const element = notice(kind, text + again);
    if (retry) element.classList.add('retrying');
    return element;
  };
  if (error?.status === 403) return box('denied', `Permission denied (403) reading ${what}: ${error.message}. Enter a token that may read it.`);
  if (error?.status === 0) return box('error', `Cannot reach the Mesh server to read ${what}.`);
  return box('error', `Could not read ${what}: ${error?.status ? `${error.status} ` : ''}${error?.message ?? error}.`);
}

/** Replaces the children of a region. */
export function show(region, ...children) {
  region.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined && c !== false));
}

export function statusBadge(status) {
  return `<span class="status ${esc(status)}">${esc(status)}</span>`;
}

/** "3 passing 0 warning 1 critical" as badges; zero counts are dimmed. */
export function healthCounts(passing, warning, critical) {
  const one = (n, kind) => `<span class="status ${kind}${n ? '' : ' zero'}">${n} ${kind}</span>`;
  return one(passing, 'passing') + one(warning, 'warning') + one(critical, 'critical');
}

/** The worst of a list of check states. */
export function worstStatus(checks) {
  const order = { passing: 0, warning: 1, critical: 2, maintenance: 3 };
  let worst = 'passing';
  for (const check of checks) if ((order[check.Status] ?? 2) > order[worst]) worst = check.Status;
  return worst;
}
