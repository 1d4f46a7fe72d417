import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { RENDERER_CSP, contentType, resolveStaticPath } from '../host/static-files';

/**
 * The renderer loads from app://crm/ rather than file://: a standard, secure origin of its own
 * (file:// pages share one origin with every local file), and the same path rules as the
 * browser host: index.html fallback for routes, no escape from dist/renderer.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'crm';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Must run before `ready`: privileges are fixed when the first session starts. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Whether a URL is one of the app's own pages (non-special schemes have an opaque `origin`). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Serves dist/renderer under app://crm/. Call after `ready`. */
export function handleAppProtocol(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Not Found', { status: 404 });
    const target = resolveStaticPath(rendererRoot, url.pathname);
    switch (target.kind) {
      case 'refused':
        return new Response('Bad Request', { status: 400 });
      case 'missing':
        return new Response('Not Found', { status: 404 });
      case 'file':
      case 'fallback': {
        const response = await net.fetch(pathToFileURL(target.file).toString());
        const headers = new Headers(response.headers);
        headers.set('Content-Type', contentType(target.file));
        headers.set('Content-Security-Policy', RENDERER_CSP);
        headers.set('X-Content-Type-Options', 'nosniff');
        return new Response(response.body, { status: response.status, headers });
      }
      default: {
        const exhaustive: never = target;
        throw new Error(`unexpected static target ${JSON.stringify(exhaustive)}`);
      }
    }
  });
}
