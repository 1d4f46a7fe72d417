import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of one port, for taking a single client off the network while
 * everything else stays up. `cut()` destroys every open connection (both ends) and refuses new ones
 * (the listener stays bound, so the port never changes); `restore()` lets connections through again.
 */
export interface TcpProxy {
  /** http://127.0.0.1:<port>, the address to give the client instead of the target's. */
  url: string;
  port: number;
  /** Whether connections are currently forwarded. */
  readonly up: boolean;
  /** Open forwarded connections (client sides). */
  readonly open: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let up = true;

  const server = net.createServer((client) => {
    client.on('error', () => client.destroy());
    if (!up) {
      // Refused: an immediate reset, as a dropped network would answer.
      client.resetAndDestroy();
      return;
    }
    client.setNoDelay(true);
    const upstream = net.connect({ port: targetPort, host: targetHost });
    upstream.setNoDelay(true);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  const cut = () => {
    up = false;
    for (const { client, upstream } of [...pairs]) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get up() {
      return up;
    },
    get open() {
      return pairs.size;
    },
    cut,
    restore() {
      up = true;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
