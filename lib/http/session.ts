/**
 * The browser session: an HttpOnly, SameSite=Strict cookie holding the token (never localStorage),
 * `__Host-` prefixed and Secure when served over HTTPS; and the Origin check for cookie-authenticated
 * writes and WebSocket handshakes.
 */
import type { Context } from 'hono';
import type { HttpSettings } from '../deps.ts';

export const SESSION_COOKIE = 'session';
export const SECURE_SESSION_COOKIE = '__Host-session';
/** The login throttle's device cookie (lib/auth/login-throttle.ts): it names a browser that has logged in before. */
export const DEVICE_COOKIE = 'device';
export const SECURE_DEVICE_COOKIE = '__Host-device';

/** The value of a cookie named `plain` or `__Host-` + `plain`; over HTTPS only the `__Host-` one. */
function cookieValue(cookieHeader: string | undefined | null, plainName: string, secure: boolean): string | undefined {
  if (!cookieHeader || cookieHeader.length > 16_384) return undefined;
  let plain: string | undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === `__Host-${plainName}` && value) return value;
    if (name === plainName && value) plain = value;
  }
  return secure ? undefined : plain;
}

/** The device cookie of a login request, read like the session cookie. */
export function deviceTokenFromCookie(cookieHeader: string | undefined | null, secure: boolean): string | undefined {
  return cookieValue(cookieHeader, DEVICE_COOKIE, secure);
}

/**
 * The token from a Cookie header. Over HTTPS only the `__Host-` cookie counts: a plain `session` cookie can be
 * planted by a sibling subdomain or over plain HTTP (cookie tossing), a `__Host-` one only by this host over
 * HTTPS. Over HTTP the `__Host-` cookie is preferred.
 */
export function tokenFromCookie(cookieHeader: string | undefined | null, secure: boolean): string | undefined {
  return cookieValue(cookieHeader, SESSION_COOKIE, secure);
}

export function isHttps(headers: Headers, url: string, settings: HttpSettings): boolean {
  if (settings.trustProxy && headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https') return true;
  return url.startsWith('https:');
}

/** The request's own origin, as the browser would send it. */
export function ownOrigin(headers: Headers, url: string, settings: HttpSettings): string | undefined {
  const host = (settings.trustProxy && headers.get('x-forwarded-host')?.split(',')[0]?.trim()) || headers.get('host');
  if (!host) return undefined;
  return `${isHttps(headers, url, settings) ? 'https' : 'http'}://${host}`;
}

/** True when `origin` is the request's own origin or explicitly allowed. */
export function isAllowedOrigin(origin: string | undefined | null, headers: Headers, url: string, settings: HttpSettings): boolean {
  if (!origin || origin === 'null') return false;
  return origin === ownOrigin(headers, url, settings) || settings.allowedOrigins.includes(origin);
}

export function setSessionCookie(c: Context, token: string, maxAgeSeconds: number, settings: HttpSettings): void {
  const secure = isHttps(c.req.raw.headers, c.req.url, settings);
  const name = secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
  c.header('Set-Cookie', `${name}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`, { append: true });
}

export function setDeviceCookie(c: Context, token: string, maxAgeSeconds: number, settings: HttpSettings): void {
  const secure = isHttps(c.req.raw.headers, c.req.url, settings);
  const name = secure ? SECURE_DEVICE_COOKIE : DEVICE_COOKIE;
  c.header('Set-Cookie', `${name}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`, { append: true });
}

export function clearSessionCookie(c: Context, settings: HttpSettings): void {
  const secure = isHttps(c.req.raw.headers, c.req.url, settings);
  c.header('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`, { append: true });
  if (secure) c.header('Set-Cookie', `${SECURE_SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure`, { append: true });
}
