import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOT_AN_OPERATOR } from '../api/auth';
import { LoginView } from './LoginView';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function tokenFor(roles: string[]): string {
  const claims = btoa(JSON.stringify({ sub: 'x', roles, exp: 4_000_000_000 })).replace(/=+$/, '');
  return `e30.${claims}.sig`;
}

function signIn(username: string) {
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: username } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: username } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginView', () => {
  it('signs an operator in', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ token: tokenFor(['operator']), expiresIn: 3600 }))));
    const onLogin = vi.fn();
    render(<LoginView onLogin={onLogin} />);
    signIn('admin');
    await vi.waitFor(() => expect(onLogin).toHaveBeenCalledOnce());
  });

  it('refuses a customer with a clear message', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ token: tokenFor(['customer']), expiresIn: 3600 }))));
    const onLogin = vi.fn();
    render(<LoginView onLogin={onLogin} />);
    signIn('alice');
    expect((await screen.findByRole('alert')).textContent).toBe(NOT_AN_OPERATOR);
    expect(onLogin).not.toHaveBeenCalled();
  });

  it('shows why the session ended', () => {
    render(<LoginView onLogin={() => undefined} notice="Your session expired. Please sign in again." />);
    expect(screen.getByRole('status').textContent).toBe('Your session expired. Please sign in again.');
  });
});
