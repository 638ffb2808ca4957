// HTTP for the benchmarks: node:http with keep-alive, not fetch. The clients share the machine
// with the services, and fetch (undici) costs ~2.5 ms of CPU per request here, which the
// services would then lack.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * `call(method, path, body?, token, { parse, headers })` resolves { status, body, bytes, ms }:
 * the body parsed when JSON, unless `parse: false` (a reader measuring latency need not spend
 * the CPU the server is measured on; the body is still received whole, as sent, and resolved
 * as a Buffer).
 */
export function httpClient(apiUrl, { maxSockets = 50 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const call = (method, path, body, token, { parse = true, headers = {} } = {}) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const t0 = performance.now();
      const req = http.request(
        apiUrl + path,
        {
          method,
          agent,
          headers: {
            ...headers,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            const raw = Buffer.concat(chunks);
            // Unparsed, the body stays bytes: decoding gzip bytes as UTF-8 text only spent the
            // CPU of the cores the server is measured on (`bytes` is then what the wire carried).
            if (!parse)
              return resolve({ status: res.statusCode, body: raw, bytes: raw.length, ms: performance.now() - t0 });
            const text = raw.toString('utf8');
            const json = text && /json/.test(res.headers['content-type'] ?? '') ? JSON.parse(text) : text;
            resolve({ status: res.statusCode, body: json, bytes: text.length, ms: performance.now() - t0 });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { call, destroy: () => agent.destroy() };
}

/**
 * `readers` clients at once, each making `each` requests in turn (`request(reader, k)` returns
 * the call's promise); resolves every response with its time, after one untimed warm-up round.
 */
export async function concurrentRequests(readers, each, request) {
  await Promise.all(Array.from({ length: readers }, (_, i) => request(i, -1)));
  const out = await Promise.all(
    Array.from({ length: readers }, async (_, i) => {
      const mine = [];
      for (let k = 0; k < each; k++) mine.push(await request(i, k));
      return mine;
    }),
  );
  return out.flat();
}
