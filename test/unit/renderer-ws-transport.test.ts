import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { createWebSocketTransport, type ConnectionState } from '../../src-renderer/api/ws-transport';
import type { CoreEvent } from '../../src-shared/api/client-api.contract';

/** A stand-in for the browser host's /api socket: answers echo calls, can push events and drop clients. */
function startServer(port = 0): Promise<WebSocketServer> {
  return new Promise((resolve) => {
    const server: WebSocketServer = new WebSocketServer({ port, host: '127.0.0.1' }, () => resolve(server));
    server.on('connection', (socket: NodeWebSocket) => {
      socket.on('message', (data: Buffer) => {
        const { id, method, input } = JSON.parse(String(data)) as { id: number; method: string; input: unknown };
        if (method === 'sync.status') return; // never answered: stays in flight
        socket.send(JSON.stringify({ id, reply: { ok: true, value: { method, input } } }));
      });
    });
  });
}

const Socket = NodeWebSocket as unknown as new (url: string) => WebSocket;
let servers: WebSocketServer[] = [];
let transports: ReturnType<typeof createWebSocketTransport>[] = [];

function connect(port: number) {
  const transport = createWebSocketTransport(`ws://127.0.0.1:${port}/api`, Socket);
  transports.push(transport);
  return transport;
}

function stopServer(server: WebSocketServer): Promise<void> {
  for (const client of server.clients) client.terminate();
  return new Promise((resolve) => server.close(() => resolve()));
}

afterEach(async () => {
  for (const transport of transports) transport.close();
  transports = [];
  await Promise.all(servers.map(stopServer));
  servers = [];
});

function waitForState(transport: ReturnType<typeof createWebSocketTransport>, wanted: ConnectionState): Promise<boolean> {
  return new Promise((resolve) => {
    const off = transport.onState((state, reconnected) => {
      if (state !== wanted) return;
      off();
      resolve(reconnected);
    });
  });
}

describe('the renderer WebSocket transport', () => {
  it('queues calls made while connecting and answers them once open', async () => {
    const server = await startServer();
    servers.push(server);
    const transport = connect((server.address() as AddressInfo).port);
    expect(transport.state).toBe('connecting');
    const reply = await transport.invoke('app.info', {});
    expect(reply).toEqual({ ok: true, value: { method: 'app.info', input: {} } });
  });

  it('delivers pushed events to listeners', async () => {
    const server = await startServer();
    servers.push(server);
    const transport = connect((server.address() as AddressInfo).port);
    await transport.invoke('app.info', {});
    const received = new Promise<CoreEvent>((resolve) => transport.onEvent(resolve));
    const event: CoreEvent = { type: 'changed', entity: 'account', ids: ['a1'] };
    for (const client of server.clients) client.send(JSON.stringify({ event }));
    expect(await received).toEqual(event);
  });

  it('fails in-flight calls with DISCONNECTED when the socket drops, then reconnects', async () => {
    const server = await startServer();
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    const transport = connect(port);
    await transport.invoke('app.info', {});

    const inFlight = transport.invoke('sync.status', {});
    const closed = waitForState(transport, 'closed');
    servers = [];
    await stopServer(server);
    await closed;
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
    expect(await transport.invoke('app.info', {})).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });

    const reopened = waitForState(transport, 'open');
    servers.push(await startServer(port));
    expect(await reopened).toBe(true);
    expect(await transport.invoke('app.info', {})).toMatchObject({ ok: true });
  }, 20_000);
});
