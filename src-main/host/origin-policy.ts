/**
 * Who may open the host's WebSocket. The socket drives this user's private replica, and any web
 * page the user visits can try to open ws://127.0.0.1:<port>/api, so an upgrade is accepted only
 * when both hold:
 *  - the Host header names this server (a loopback name or the address it was bound to, and its
 *    port). A DNS-rebinding page reaches 127.0.0.1 under its own host name and fails here;
 *  - the Origin, when sent, is this server's own origin, or one explicitly allowed (a Vite dev
 *    server). Browsers always send Origin on WebSocket upgrades; programs that omit it (tests,
 *    scripts) run as a local user who can read the replica file anyway.
 */

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export interface OriginPolicy {
  /** Host names accepted in the Host header; `any` when bound to every interface on purpose. */
  hostnames: ReadonlySet<string> | 'any';
  port: number;
  /** Extra origins allowed to connect, e.g. http://localhost:5174 for a Vite dev server. */
  extraOrigins: ReadonlySet<string>;
}

export function isWildcardAddress(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

export function originPolicy(bindHost: string, port: number, extraOrigins: readonly string[] = []): OriginPolicy {
  const bracketed = bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
  return {
    hostnames: isWildcardAddress(bindHost) ? 'any' : new Set([...LOOPBACK_NAMES, bracketed.toLowerCase()]),
    port,
    extraOrigins: new Set(extraOrigins.map((o) => o.toLowerCase().replace(/\/+$/, ''))),
  };
}

/** Why an upgrade with these headers is refused, or null when it is accepted. */
export function refuseUpgrade(policy: OriginPolicy, hostHeader: string | undefined, originHeader: string | undefined): string | null {
  if (!hostHeader) return 'missing Host header';
  let host: URL;
  try {
    host = new URL(`http://${hostHeader}`);
  } catch {
    return 'malformed Host header';
  }
  if (host.username || host.password || host.pathname !== '/' || host.search) return 'malformed Host header';
  // A dev proxy (Vite's, without changeOrigin) forwards the browser's Host unchanged: an origin
  // allowed explicitly vouches for its own host name and port.
  const proxied = policy.extraOrigins.has(`http://${host.host}`.toLowerCase());
  const port = host.port === '' ? 80 : Number(host.port);
  if (!proxied && port !== policy.port) return `Host names port ${port}, not ${policy.port}`;
  if (!proxied && policy.hostnames !== 'any' && !policy.hostnames.has(host.hostname.toLowerCase())) return `Host ${host.hostname} is not this server`;

  if (originHeader === undefined) return null;
  const origin = originHeader.toLowerCase();
  if (origin === `http://${host.host}`.toLowerCase() || policy.extraOrigins.has(origin)) return null;
  return `Origin ${originHeader.slice(0, 200)} is not allowed`;
}
