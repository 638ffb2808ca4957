import { EventEmitter } from 'node:events';
import { onShutdown } from './on-shutdown';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const source = {
    on: emitter.on.bind(emitter),
    off: emitter.off.bind(emitter),
    exit: (code?: number) => void exits.push(code ?? 0),
  } as unknown as Pick<NodeJS.Process, 'on' | 'off' | 'exit'>;
  return { emitter, exits, source };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('onShutdown', () => {
  it('runs fn once on the first signal and exits 0', async () => {
    const { emitter, exits, source } = fakeProcess();
    const fn = jest.fn(async () => undefined);
    onShutdown(['SIGTERM', 'SIGINT'], fn, source);
    emitter.emit('SIGTERM', 'SIGTERM');
    emitter.emit('SIGINT', 'SIGINT');
    await flush();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith('SIGTERM');
    expect(exits).toEqual([0]);
  });

  it('exits 1 when fn throws', async () => {
    const { emitter, exits, source } = fakeProcess();
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    onShutdown(
      ['SIGTERM'],
      () => {
        throw new Error('drain failed');
      },
      source,
    );
    emitter.emit('SIGTERM', 'SIGTERM');
    await flush();
    expect(exits).toEqual([1]);
    spy.mockRestore();
  });

  it('returns a function that removes the listeners', () => {
    const { emitter, source } = fakeProcess();
    const off = onShutdown(['SIGTERM', 'SIGINT'], () => undefined, source);
    expect(emitter.listenerCount('SIGTERM')).toBe(1);
    off();
    expect(emitter.listenerCount('SIGTERM') + emitter.listenerCount('SIGINT')).toBe(0);
  });
});
