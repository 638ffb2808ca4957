import type { DecisionEvent } from './api-types';
import { authHeader } from './api-client';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/**
 * GET /v1/decisions/stream with fetch + ReadableStream (EventSource cannot send headers):
 * calls onEvent per event, reconnects with Last-Event-ID. Answers a function that stops it.
 */
export function decisionStream(
  onEvent: (data: DecisionEvent) => void,
  onState: (state: StreamState) => void,
): () => void {
  let lastId: string | null = null;
  let stopped = false;
  let controller: AbortController | undefined;
  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const headers: Record<string, string> = { authorization: authHeader(), accept: 'text/event-stream' };
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
            const ev = parseBlock(block);
            if (!ev.data) continue;
            if (ev.id) lastId = ev.id;
            try {
              onEvent(JSON.parse(ev.data) as DecisionEvent);
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

/** One server-sent event block: its id and its data lines joined. */
function parseBlock(block: string): { id: string | null; data: string } {
  const ev = { id: null as string | null, data: '' };
  for (const line of block.split('\n')) {
    if (line.startsWith('id:')) ev.id = line.slice(3).trim();
    else if (line.startsWith('data:')) ev.data += (ev.data ? '\n' : '') + line.slice(5).trim();
  }
  return ev;
}
