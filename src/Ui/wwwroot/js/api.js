// The HTTP API as the pages use it: the token from the token box on every request, errors as ApiError (with the
// status, so a 403 is shown as such), the connection's state for the banner, and blocking-query watches.

const TOKEN_KEY = 'mesh-ui-token';

export function currentToken() {
  try { return localStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

export function storeToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token); else localStorage.removeItem(TOKEN_KEY);
  } catch { /* storage refused (private mode): the token lasts for this page only */ }
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
  get denied() { return this.status === 403; }
  get unreachable() { return this.status === 0; }
}

/** Whether the server answered the last request: 'up' or 'down' events for the banner. */
export const connection = new EventTarget();
let reachable = true;
function markReachable(up) {
  if (up === reachable) return;
  reachable = up;
  connection.dispatchEvent(new Event(up ? 'up' : 'down'));
}

/** One request; resolves to { data, index, filtered } or throws ApiError. */
export async function request(method, path, { body, signal } = {}) {
  const headers = {};
  const token = currentToken();
  if (token) headers['X-Consul-Token'] = token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, signal, cache: 'no-store',
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    markReachable(false);
    throw new ApiError(0, 'The Mesh server cannot be reached');
  }
  let text;
  try {
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) throw error;
    markReachable(false);
    throw new ApiError(0, 'The Mesh server cannot be reached');
  }
  markReachable(true);
  if (!response.ok) throw new ApiError(response.status, text.trim() || response.statusText);
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  return {
    data,
    index: Number(response.headers.get('X-Consul-Index') || 0),
    filtered: response.headers.get('X-Consul-Results-Filtered-By-ACLs') === 'true',
  };
}

export const get = (path, options) => request('GET', path, options);

/** The longest wait between two tries of a failing watch. */
export const MAX_RETRY_MS = 5000;

function sleep(ms, signal) {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/**
 * Keeps calling onData with the latest answer of a GET: a blocking query (?index=, X-Consul-Index) when the
 * endpoint supports one, otherwise a poll every pollMs. Every failure (an unreachable server, a 5xx, a 4xx such
 * as a 403 that a token change or a new policy may turn into a 200) goes to onError and is retried with a growing
 * delay (0.5 s doubling to at most 5 s), from scratch (index 0): the watch never gives up while its page is shown,
 * and the next answer goes to onData, which replaces the failure message. onError gets (error, { retryInMs }).
 */
export function watch(path, { onData, onError, signal, pollMs = 3000, wait = '30s', blocking = true }) {
  (async () => {
    let index = 0;
    let delay = 0;
    while (!signal.aborted) {
      const started = performance.now();
      const sep = path.includes('?') ? '&' : '?';
      const url = blocking && index > 0 ? `${path}${sep}index=${index}&wait=${wait}` : path;
      let result;
      try {
        result = await get(url, { signal });
      } catch (error) {
        if (signal.aborted) return;
        if (!(error instanceof ApiError)) throw error;
        index = 0; // after an outage the server may have restarted with a different index
        delay = Math.min(delay ? delay * 2 : 500, MAX_RETRY_MS);
        onError?.(error, { retryInMs: delay });
        await sleep(delay, signal);
        continue;
      }
      if (signal.aborted) return;
      delay = 0;
      if (!blocking) {
        onData(result);
        await sleep(pollMs, signal);
        continue;
      }
      const previous = index;
      index = result.index > 0 ? (result.index < previous ? 0 : result.index) : 0;
      if (!(previous > 0 && result.index === previous)) onData(result);
      // No index (not a blocking endpoint) or an answer that did not block: poll instead of spinning.
      if (index === 0 || performance.now() - started < 200) await sleep(index === 0 ? pollMs : Math.min(pollMs, 1000), signal);
    }
  })();
}
