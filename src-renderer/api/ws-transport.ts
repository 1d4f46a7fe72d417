import type { CoreEvent, Method, Transport } from '../../src-shared/api/client-api.contract';
import type { WireMessage, WireRequest } from '../../src-shared/api/wire-protocol';
import { fail, type Result } from '../../src-shared/result';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** Reconnect delays grow to this cap; a host restarted by the user is found again within it. */
const MAX_BACKOFF_MS = 10_000;
const FIRST_BACKOFF_MS = 300;

export interface WebSocketTransport extends Transport {
  onState(listener: (state: ConnectionState, reconnected: boolean) => void): () => void;
  readonly state: ConnectionState;
  /** Closes the socket for good: no reconnect; calls fail with DISCONNECTED. */
  close(): void;
}

/** ws://host/api for http pages, wss:// for https ones (the browser host serves both on one port). */
export function apiSocketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

function isWireMessage(value: unknown): value is WireMessage {
  if (typeof value !== 'object' || value === null) return false;
  const msg = value as Record<string, unknown>;
  return (typeof msg.id === 'number' && typeof msg.reply === 'object' && msg.reply !== null) || (typeof msg.event === 'object' && msg.event !== null);
}

/**
 * The browser host's transport. Calls made while the socket is (re)connecting wait for it; calls
 * made while it is down, and calls in flight when it drops, fail at once with DISCONNECTED so the
 * UI never hangs on a reply that will not come. Reconnects with capped exponential backoff.
 * `Socket` is the browser's WebSocket; tests pass another implementation of the same interface.
 */
export function createWebSocketTransport(url: string, Socket: new (url: string) => WebSocket = WebSocket): WebSocketTransport {
  const pending = new Map<number, (reply: Result<unknown>) => void>();
  const queued: { request: WireRequest; resolve: (reply: Result<unknown>) => void }[] = [];
  const eventListeners = new Set<(event: CoreEvent) => void>();
  const stateListeners = new Set<(state: ConnectionState, reconnected: boolean) => void>();
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let everOpened = false;
  let attempt = 0;
  let nextId = 1;
  let closedForGood = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    const reconnected = next === 'open' && everOpened;
    state = next;
    if (next === 'open') everOpened = true;
    for (const listener of stateListeners) listener(next, reconnected);
  };

  const failAll = (message: string) => {
    const disconnected = fail('DISCONNECTED', message);
    for (const resolve of pending.values()) resolve(disconnected);
    pending.clear();
    for (const { resolve } of queued.splice(0)) resolve(disconnected);
  };

  const connect = () => {
    setState('connecting');
    const ws = new Socket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState('open');
      for (const { request, resolve } of queued.splice(0)) {
        pending.set(request.id, resolve);
        ws.send(JSON.stringify(request));
      }
    };
    ws.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.data);
      } catch {
        return;
      }
      if (!isWireMessage(parsed)) return;
      if ('reply' in parsed) {
        const resolve = pending.get(parsed.id);
        pending.delete(parsed.id);
        resolve?.(parsed.reply);
      } else {
        for (const listener of eventListeners) listener(parsed.event);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      setState('closed');
      failAll('connection to the data service closed');
      if (closedForGood) return;
      const delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      attempt++;
      retryTimer = setTimeout(connect, delay);
    };
  };

  connect();

  return {
    get state() {
      return state;
    },
    invoke(method: Method, input: unknown): Promise<Result<unknown>> {
      const request: WireRequest = { id: nextId++, method, input };
      return new Promise((resolve) => {
        if (state === 'open' && socket) {
          pending.set(request.id, resolve);
          socket.send(JSON.stringify(request));
        } else if (state === 'connecting') {
          queued.push({ request, resolve });
        } else {
          resolve(fail('DISCONNECTED', 'not connected to the data service'));
        }
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    close() {
      closedForGood = true;
      clearTimeout(retryTimer);
      socket?.close();
    },
  };
}
