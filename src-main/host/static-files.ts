import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

/**
 * Serving the built renderer: used by the browser host over HTTP and by the Electron shell's
 * app:// protocol, so both resolve paths, fall back and refuse traversal the same way.
 */

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

export function contentType(file: string): string {
  return contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticTarget =
  /** A file under the root that exists. */
  | { kind: 'file'; file: string }
  /** No such file, and the path looks like a client-side route: serve index.html. */
  | { kind: 'fallback'; file: string }
  /** No such file, and the path names an asset (has an extension): a 404, not HTML as JS. */
  | { kind: 'missing' }
  /** Escapes the root, or cannot be decoded: refused whatever is on disk. */
  | { kind: 'refused'; reason: string };

/**
 * Maps a URL path (as sent, possibly percent-encoded) to a file under `root`. Decodes once; any
 * `..` segment, backslash, NUL or drive letter is refused outright rather than normalised away,
 * so `/../x`, `/%2e%2e/x` and `/a/..%2fx` never reach the file system.
 */
export function resolveStaticPath(root: string, urlPath: string): StaticTarget {
  const pathname = urlPath.split(/[?#]/, 1)[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'refused', reason: 'bad percent-encoding' };
  }
  if (!decoded.startsWith('/')) return { kind: 'refused', reason: 'not an absolute path' };
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'refused', reason: 'forbidden character' };
  const segments = decoded.split('/');
  // Windows strips trailing dots and spaces from names, so a segment such as `.. ` can act as `..` there.
  if (segments.some((s) => /^\.\.[.\s]*$/.test(s) || /^[a-zA-Z]:/.test(s))) return { kind: 'refused', reason: 'path traversal' };

  const base = path.resolve(root);
  const file = path.resolve(base, '.' + decoded);
  if (file !== base && !file.startsWith(base + path.sep)) return { kind: 'refused', reason: 'outside the root' };

  const index = path.join(base, 'index.html');
  const stat = statOrNull(file);
  if (stat?.isFile()) return { kind: 'file', file };
  if (stat?.isDirectory()) {
    const inner = path.join(file, 'index.html');
    if (statOrNull(inner)?.isFile()) return { kind: 'file', file: inner };
  }
  const last = segments.at(-1) ?? '';
  return last.includes('.') ? { kind: 'missing' } : { kind: 'fallback', file: index };
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/**
 * Vite names everything under assets/ by content hash, so those can be cached for good; the
 * HTML (which names the current hashes) and anything else must be revalidated on each load.
 */
export function cacheControl(root: string, file: string): string {
  const rel = path.relative(path.resolve(root), file).split(path.sep);
  return rel[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** Headers every response of the host carries. */
export const securityHeaders: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // The CRM shows private data: no other site may frame it (clickjacking) or see its URLs.
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/**
 * What the renderer's pages may load: only their own files, and connect only to their own origin
 * (the API socket). Styles allow inline because ag-grid and React set style attributes and
 * inject style elements at run time. Served by the browser host and the Electron app:// protocol
 * alike, so the end-to-end tests in Chromium check the policy the desktop app runs under.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Answers one HTTP request for the renderer's files (GET and HEAD only). */
export function serveStatic(root: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method Not Allowed\n');
    return;
  }
  const target = resolveStaticPath(root, req.url ?? '/');
  switch (target.kind) {
    case 'refused':
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad Request\n');
      return;
    case 'missing':
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' }).end('Not Found\n');
      return;
    case 'file':
    case 'fallback':
      sendFile(root, target.file, req, res);
      return;
    default: {
      const exhaustive: never = target;
      throw new Error(`unexpected static target ${JSON.stringify(exhaustive)}`);
    }
  }
}

function sendFile(root: string, file: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    // Only index.html can be missing here (the fallback): the renderer was not built.
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' }).end('Not Found: the renderer is not built (npm run build)\n');
    return;
  }
  const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const headers: Record<string, string> = {
    'Content-Type': contentType(file),
    'Cache-Control': cacheControl(root, file),
    ETag: etag,
    'Last-Modified': stat.mtime.toUTCString(),
  };
  if (path.extname(file).toLowerCase() === '.html') headers['Content-Security-Policy'] = RENDERER_CSP;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(stat.size) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = fs.createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
