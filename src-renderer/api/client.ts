import { createApiClient } from '../../src-shared/api/api-client';
import type { ApiClient, CoreEvent, Transport } from '../../src-shared/api/client-api.contract';
import { BRIDGE_GLOBAL } from '../../src-shared/api/bridge';
import { apiSocketUrl, createWebSocketTransport, type ConnectionState } from './ws-transport';

/**
 * The renderer's one way to the data core. Inside Electron the preload exposes a Transport as
 * window.crm; in a plain browser (the browser host) we speak the same messages over a WebSocket.
 */
interface Connection {
  transport: Transport;
  api: ApiClient;
  /** Electron's bridge is always connected; the WebSocket reports its state. */
  onState(listener: (state: ConnectionState, reconnected: boolean) => void): () => void;
  initialState: ConnectionState;
}

function bridge(): Transport | null {
  const candidate = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL] as Partial<Transport> | undefined;
  return candidate && typeof candidate.invoke === 'function' && typeof candidate.onEvent === 'function' ? (candidate as Transport) : null;
}

const TOKEN_KEY = 'crm.hostToken';

/**
 * The browser host's access token arrives once in the address it prints (`?token=`); the page keeps
 * it for this origin and takes it out of the address bar, so it is not bookmarked or shared.
 */
function hostToken(): string | null {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    window.localStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const query = params.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`);
    return fromUrl;
  }
  return window.localStorage.getItem(TOKEN_KEY);
}

function connect(): Connection {
  const preload = bridge();
  if (preload) return { transport: preload, api: createApiClient(preload), onState: () => () => undefined, initialState: 'open' };
  const ws = createWebSocketTransport(apiSocketUrl(window.location, hostToken()));
  return { transport: ws, api: createApiClient(ws), onState: (listener) => ws.onState(listener), initialState: ws.state };
}

export const connection = connect();
export const api: ApiClient = connection.api;

export function onCoreEvent(listener: (event: CoreEvent) => void): () => void {
  return connection.transport.onEvent(listener);
}
