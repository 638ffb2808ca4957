// Every call carries the bearer token kept in sessionStorage; nothing puts it in a URL.

const KEY = 'barplane.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export async function api(method, path, body) {
  const headers = { authorization: `Bearer ${token.get() ?? ''}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}

export const get = (path) => api('GET', path);

/** GET that answers null on 403 (a role the token lacks) instead of throwing. */
export async function getIfAllowed(path) {
  try {
    return await get(path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return null;
    throw e;
  }
}

/**
 * What this token may do, from its roles (GET /v1/me): audit needs auditor or operator,
 * programming guest BARs provisioner or operator, alignment overrides operator.
 */
export async function capabilities() {
  const { roles } = await get('/v1/me');
  const has = (...wanted) => wanted.some((r) => roles.includes(r));
  return { canAudit: has('auditor', 'operator'), canProgram: has('provisioner', 'operator'), canAlign: has('operator') };
}

/**
 * GET /v1/decisions/stream with fetch + ReadableStream (EventSource cannot send headers):
 * calls onEvent({ id, event, data }) per event, reconnects with Last-Event-ID.
 */
export function decisionStream(onEvent, onState) {
  let lastId = null;
  let stopped = false;
  let controller;
  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const headers = { authorization: `Bearer ${token.get() ?? ''}`, accept: 'text/event-stream' };
        if (lastId) headers['last-event-id'] = lastId;
        const res = await fetch('/v1/decisions/stream', { headers, signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            if (block.startsWith(': ready')) onState('live');
            const ev = { id: null, event: 'message', data: '' };
            for (const line of block.split('\n')) {
              if (line.startsWith('id:')) ev.id = line.slice(3).trim();
              else if (line.startsWith('event:')) ev.event = line.slice(6).trim();
              else if (line.startsWith('data:')) ev.data += (ev.data ? '\n' : '') + line.slice(5).trim();
            }
            if (!ev.data) continue;
            if (ev.id) lastId = ev.id;
            try {
              onEvent({ ...ev, data: JSON.parse(ev.data) });
            } catch {
              // a malformed event is skipped, the stream goes on
            }
          }
        }
      } catch {
        // network error or abort: fall through to reconnect
      }
      if (stopped) break;
      onState('reconnecting');
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  onState('connecting');
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
