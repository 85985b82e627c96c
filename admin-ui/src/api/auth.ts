/** Tokens from the gateway's built-in issuer, and what the admin console reads from them. */

export interface TokenClaims {
  sub: string;
  roles: string[];
  customerId?: string;
  /** Expiry, seconds since the epoch. */
  exp?: number;
}

export interface Session {
  token: string;
  username: string;
  /** When the token stops being accepted, milliseconds since the epoch. */
  expiresAt: number;
}

/** A login the console refuses; the message is meant for the person at the screen. */
export class LoginError extends Error {}

export const NOT_AN_OPERATOR =
  'This account is not an operator. The admin console is for operators; customers use the API with their own token.';

/** Reads a JWT's claims without verifying it: the gateway verifies every request, the console only needs roles and expiry. */
export function decodeClaims(token: string): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3) {
    throw new LoginError('The gateway answered with something that is not a token.');
  }
  const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(parts[1].length / 4) * 4, '='));
  const claims = JSON.parse(json) as Partial<TokenClaims> & { roles?: unknown };
  const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : typeof claims.roles === 'string' ? [claims.roles] : [];
  return { sub: String(claims.sub ?? ''), roles, customerId: claims.customerId, exp: claims.exp };
}

/** Asks `/auth/token` for a token and keeps it only if it carries the operator role. */
export async function login(username: string, password: string, fetcher: typeof fetch = fetch, now = Date.now()): Promise<Session> {
  let response: Response;
  try {
    response = await fetcher('/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    throw new LoginError('Cannot reach the gateway. Check that the platform is running.');
  }
  const body = (await response.json().catch(() => ({}))) as { token?: string; expiresIn?: number; error?: string };
  if (response.status === 401) {
    throw new LoginError('Unknown user or wrong password.');
  }
  if (!response.ok || !body.token) {
    throw new LoginError(body.error ?? `The gateway refused the login (HTTP ${response.status}).`);
  }
  const claims = decodeClaims(body.token);
  if (!claims.roles.includes('operator')) {
    throw new LoginError(NOT_AN_OPERATOR);
  }
  const expiresAt = claims.exp ? claims.exp * 1000 : now + (body.expiresIn ?? 3600) * 1000;
  return { token: body.token, username: claims.sub || username, expiresAt };
}

const STORAGE_KEY = 'sagaway.admin.session';

/** The session survives a reload of the tab (sessionStorage), not the closing of the browser. */
export function saveSession(session: Session | null, storage: Storage = sessionStorage): void {
  if (session) {
    storage.setItem(STORAGE_KEY, JSON.stringify(session));
  } else {
    storage.removeItem(STORAGE_KEY);
  }
}

export function restoreSession(storage: Storage = sessionStorage, now = Date.now()): Session | null {
  try {
    const session = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    return session && session.expiresAt > now ? session : null;
  } catch {
    return null;
  }
}
