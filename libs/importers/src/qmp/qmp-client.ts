import { createConnection, Socket } from 'node:net';
import { parseQmpJson } from './qmp-json';

/** An asynchronous QMP event (`{ event, data, timestamp }`). */
export interface QmpEvent {
  readonly event: string;
  readonly data?: Record<string, unknown>;
}

/** A command QEMU answered with `{ "error": { class, desc } }`. */
export class QmpCommandError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    readonly desc: string,
  ) {
    super(`${command}: ${errorClass}: ${desc}`);
    this.name = 'QmpCommandError';
  }
}

type Pending = { command: string; resolve: (v: unknown) => void; reject: (e: Error) => void };
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A small client of the QEMU Machine Protocol on a unix socket (docs/interop/qmp-spec in QEMU):
 * one JSON object per line; the server greets, `qmp_capabilities` leaves negotiation mode,
 * answers carry the `id` of their command, and events come in between. Integers are bigints.
 * No well-kept npm QMP client was found, so this one is small and ours.
 */
export class QmpClient {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<(e: QmpEvent) => void>();
  private greeted?: (v: unknown) => void;
  private failure?: Error;
  /** Settles when the connection ends (QEMU quit, the socket closed). */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the QMP connection closed')));
  }

  /** Connects, reads the greeting and negotiates capabilities; rejects after `timeoutMs`. */
  static async connect(path: string, timeoutMs = 5000): Promise<QmpClient> {
    const socket = createConnection(path);
    const client = new QmpClient(socket);
    const timer = setTimeout(
      () => client.fail(new Error(`no QMP greeting on ${path} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      await new Promise((resolve, reject) => {
        client.greeted = resolve;
        client.pending.set('greeting', { command: 'greeting', resolve, reject });
      });
      await client.execute('qmp_capabilities');
      return client;
    } catch (error) {
      socket.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs a command; resolves with its `return` value. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = `barplane-${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id }) + '\n');
    });
  }

  /** Calls `listener` for every event until the returned function is called. */
  onEvent(listener: (e: QmpEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line !== '') this.message(line);
    }
  }

  private message(line: string): void {
    let msg: unknown;
    try {
      msg = parseQmpJson(line);
    } catch (error) {
      return this.fail(new Error(`QEMU sent a line that is not JSON (${(error as Error).message})`));
    }
    if (!isObject(msg)) return;
    if ('QMP' in msg && this.greeted) {
      this.pending.delete('greeting');
      this.greeted(msg.QMP);
      this.greeted = undefined;
      return;
    }
    if (typeof msg.event === 'string') {
      const event: QmpEvent = { event: msg.event, ...(isObject(msg.data) ? { data: msg.data } : {}) };
      for (const l of this.listeners) l(event);
      return;
    }
    const id = typeof msg.id === 'string' ? msg.id : undefined;
    const waiting = id === undefined ? undefined : this.pending.get(id);
    if (!waiting || id === undefined) return;
    this.pending.delete(id);
    if (isObject(msg.error))
      waiting.reject(new QmpCommandError(waiting.command, String(msg.error.class), String(msg.error.desc)));
    else waiting.resolve(msg.return);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.greeted = undefined;
  }
}
