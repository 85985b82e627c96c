import { describe, expect, it } from 'vitest';
import { decodeClaims, login, LoginError, NOT_AN_OPERATOR, restoreSession, saveSession } from './auth';

function token(claims: object): string {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${encode({ alg: 'HS256' })}.${encode(claims)}.signature`;
}

function answer(status: number, body: object): typeof fetch {
  return async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('decodeClaims', () => {
  it('reads subject, roles and expiry from a JWT', () => {
    expect(decodeClaims(token({ sub: 'admin', roles: ['operator'], exp: 2_000_000_000 }))).toEqual({
      sub: 'admin', roles: ['operator'], customerId: undefined, exp: 2_000_000_000,
    });
  });

  it('refuses something that is not a JWT', () => {
    expect(() => decodeClaims('not-a-token')).toThrow(LoginError);
  });
});

describe('login', () => {
  it('keeps an operator token with its expiry', async () => {
    const session = await login('admin', 'admin', answer(200, { token: token({ sub: 'admin', roles: ['operator'], exp: 1_900_000_000 }), expiresIn: 3600 }));
    expect(session.username).toBe('admin');
    expect(session.expiresAt).toBe(1_900_000_000_000);
  });

  it('refuses a customer token with a clear message', async () => {
    const customer = answer(200, { token: token({ sub: 'alice', roles: ['customer'], customerId: 'alice' }), expiresIn: 3600 });
    await expect(login('alice', 'alice', customer)).rejects.toThrow(NOT_AN_OPERATOR);
  });

  it('says when the password is wrong', async () => {
    await expect(login('admin', 'nope', answer(401, { error: 'unknown user or wrong password' }))).rejects.toThrow('Unknown user or wrong password.');
  });

  it('says when the gateway cannot be reached', async () => {
    const offline: typeof fetch = async () => {
      throw new TypeError('network');
    };
    await expect(login('admin', 'admin', offline)).rejects.toThrow('Cannot reach the gateway');
  });
});

describe('session storage', () => {
  it('restores a live session and drops an expired one', () => {
    const session = { token: 't', username: 'admin', expiresAt: 10_000 };
    saveSession(session, sessionStorage);
    expect(restoreSession(sessionStorage, 5_000)).toEqual(session);
    expect(restoreSession(sessionStorage, 10_001)).toBeNull();
    saveSession(null, sessionStorage);
    expect(restoreSession(sessionStorage, 0)).toBeNull();
  });
});
