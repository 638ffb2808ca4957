import net from 'node:net';

/**
 * A TCP forwarder the test can switch off: while off it refuses new connections and cuts the
 * open ones, as a PostgreSQL or broker outage does; switched on it forwards again.
 */
export class TcpSwitch {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private on = true;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    this.server = net.createServer((client) => {
      if (!this.on) return client.destroy();
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as net.AddressInfo).port;
  }

  /** The outage: every open connection cut, every new one refused until `restore`. */
  cut(): void {
    this.on = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.on = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
