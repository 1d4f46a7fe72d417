import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { CoreEvent } from '../../src-shared/api/client-api.contract';
import { MAX_WIRE_REQUEST_BYTES, type WireEvent, type WireReply } from '../../src-shared/api/wire-protocol';
import { fail } from '../../src-shared/result';
import { startCoreWorker, type CoreClient } from '../core/worker/core-client';
import type { CoreOptions } from '../core/worker/worker-protocol';
import { createLogger, type Logger } from './log';
import { originPolicy, refuseUpgrade, type OriginPolicy } from './origin-policy';
import { rendererDir as defaultRendererDir } from './app-paths';
import { securityHeaders, serveStatic } from './static-files';
import { answerWireFrame } from './wire-request';

/** The WebSocket endpoint of the client API (src-shared/api/wire-protocol.ts). */
export const API_PATH = '/api';

/**
 * Frames above MAX_WIRE_REQUEST_BYTES are still read (up to this) so the caller gets a
 * BAD_REQUEST reply with its id; only frames beyond this hard cap cost the connection (close 1009).
 */
const HARD_FRAME_LIMIT = 4 * MAX_WIRE_REQUEST_BYTES;

export interface BrowserHostOptions {
  /** Core start-up options: replica folder, migrations, demo data, locale, version. */
  core: CoreOptions;
  /** The bundled core worker; defaults to dist/main/core-worker.cjs beside the running bundle. */
  workerFile?: string;
  /** The built renderer to serve; defaults to dist/renderer. */
  rendererDir?: string;
  /** Address to bind. Loopback by default: the core is this user's private data. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** How many consecutive ports to try from `port` when it is taken (1: only `port`). */
  portAttempts?: number;
  /** Origins besides the host's own that may open the API socket (a Vite dev server). */
  allowedOrigins?: readonly string[];
  /**
   * Secret the API socket must present (`/api?token=`). Loopback is reachable by every account on
   * the machine (call-centre workstations are shared); the Origin check stops web pages, this
   * stops other local users' programs.
   */
  accessToken: string;
  log?: Logger;
}

export interface BrowserHost {
  /** http://<host>:<port>/, the server's origin. */
  url: string;
  /** The address to open in a browser: `url` with the access token, which the page keeps. */
  openUrl: string;
  port: number;
  core: CoreClient;
  /** Stops accepting, closes every socket, then closes the core. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the core worker and, once its replica is open, serves the renderer and the API socket.
 * Rejects with the core's CrmError (DB_TOO_NEW, DB_OPEN_FAILED) when the replica cannot be opened,
 * or with the listen error when no port could be bound.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const log = options.log ?? createLogger({ name: 'host' });
  const host = options.host ?? '127.0.0.1';
  const root = options.rendererDir ?? defaultRendererDir();

  const core = startCoreWorker(options.core, options.workerFile);
  // A failed core has already exited (fatal start-up errors end the worker), so there is
  // nothing to close on this path.
  await core.ready;

  // The policy needs the bound port, known only after listen().
  let policy: OriginPolicy | null = null;
  const server = http.createServer((req, res) => {
    if ((req.url ?? '').split('?', 1)[0] === API_PATH) {
      for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
      res.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain; charset=utf-8' }).end('Upgrade Required\n');
      return;
    }
    serveStatic(root, req, res);
  });
  // Slow or idle clients must not hold the host open forever; the renderer keeps its socket open.
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_LIMIT, perMessageDeflate: false });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, reason: string) => {
      log.warn('websocket upgrade refused', { reason, origin: req.headers.origin, host: req.headers.host, url: req.url?.slice(0, 200) });
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    socket.on('error', () => socket.destroy());
    if ((req.url ?? '').split('?', 1)[0] !== API_PATH) return refuse(404, 'unknown path');
    const reason = policy ? refuseUpgrade(policy, req.headers.host, req.headers.origin) : 'not ready';
    if (reason) return refuse(403, reason);
    if (!tokenMatches(options.accessToken, req.url ?? '')) return refuse(401, 'missing or wrong access token');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const send = (ws: WebSocket, message: WireReply) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      // A reply the core built but JSON cannot carry is a core bug; the caller still gets an answer.
      text = JSON.stringify({ id: message.id, reply: fail('INTERNAL', `reply not serialisable: ${(error as Error).message}`) } satisfies WireReply);
    }
    ws.send(text);
  };

  wss.on('connection', (ws: WebSocket) => {
    log.info('renderer connected', { clients: wss.clients.size });
    ws.on('error', (error) => log.warn('websocket error', { error: error.message }));
    ws.on('message', (data: RawData) => {
      const bytes = rawBytes(data);
      void answerWireFrame(bytes.toString('utf8'), bytes.byteLength, (method, input) => core.invoke(method, input)).then((outcome) => {
        if ('unanswerable' in outcome) {
          log.warn('request without a readable id dropped', { reason: outcome.unanswerable, bytes: bytes.byteLength });
          return;
        }
        if (!outcome.reply.reply.ok && (outcome.reply.reply.error.code === 'BAD_REQUEST' || outcome.reply.reply.error.code === 'UNKNOWN_METHOD')) {
          log.warn('request refused', { id: outcome.reply.id, error: outcome.reply.reply.error.message.slice(0, 300) });
        }
        send(ws, outcome.reply);
      });
    });
  });

  const stopEvents = core.onEvent((event: CoreEvent) => {
    const text = JSON.stringify({ event } satisfies WireEvent);
    for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  });

  let port: number;
  try {
    port = await listen(server, host, options.port ?? 0, options.portAttempts ?? 1);
  } catch (error) {
    stopEvents();
    await core.close();
    throw error;
  }
  policy = originPolicy(host, port, options.allowedOrigins);
  const url = `http://${urlHost(host)}:${port}/`;
  log.info('listening', { url, renderer: root, dataDir: options.core.dataDir });

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await closeSockets(wss);
      server.closeAllConnections();
      await serverClosed;
      stopEvents();
      await core.close();
      log.info('stopped');
    })());

  return { url, openUrl: `${url}?token=${encodeURIComponent(options.accessToken)}`, port, core, close };
}

function tokenMatches(expected: string, requestUrl: string): boolean {
  const given = new URL(requestUrl, 'http://host').searchParams.get('token') ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function rawBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Binds `port`, or the next free one up to `attempts` ports on, when it is taken. */
async function listen(server: http.Server, host: string, port: number, attempts: number): Promise<number> {
  for (let i = 0; ; i++) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => {
          server.off('listening', onListening);
          reject(error);
        };
        const onListening = () => {
          server.off('error', onError);
          resolve();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(port === 0 ? 0 : port + i, host);
      });
      return (server.address() as AddressInfo).port;
    } catch (error) {
      const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!taken || port === 0 || i + 1 >= attempts) throw error;
    }
  }
}

/** Says goodbye to every renderer (1001 going away) and cuts those that do not answer in time. */
async function closeSockets(wss: WebSocketServer): Promise<void> {
  const closed = [...wss.clients].map(
    (ws) =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close(1001, 'host shutting down');
        setTimeout(() => ws.terminate(), 1000).unref();
      }),
  );
  await Promise.all(closed);
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
