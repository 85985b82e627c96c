import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LinkState } from '../api/graphql';
import { Layout } from '../views/Layout';
import { SessionProvider } from './SessionContext';

// The socket is replaced by a stand-in whose state the test drives; the HTTP side is unused here.
const socket = vi.hoisted(() => ({ report: (_state: LinkState) => undefined as void, dispose: vi.fn() }));
vi.mock('../api/graphql', async (original) => ({
  ...(await original<typeof import('../api/graphql')>()),
  createSubscriptions: (_token: string, onState: (state: LinkState) => void) => {
    socket.report = onState;
    return { dispose: socket.dispose, subscribe: () => () => undefined, on: () => () => undefined, terminate: () => undefined };
  },
}));

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('SessionProvider', () => {
  it('ends the session when the token expires, and closes the socket', () => {
    vi.useFakeTimers();
    const onEnd = vi.fn();
    const { unmount } = render(
      <SessionProvider session={{ token: 't', username: 'admin', expiresAt: Date.now() + 60_000 }} onEnd={onEnd}>
        <p>signed in</p>
      </SessionProvider>,
    );
    act(() => void vi.advanceTimersByTime(59_000));
    expect(onEnd).not.toHaveBeenCalled();
    act(() => void vi.advanceTimersByTime(1_000));
    expect(onEnd).toHaveBeenCalledWith('Your session expired. Please sign in again.');
    unmount();
    expect(socket.dispose).toHaveBeenCalled();
  });

  it('shows a lost WebSocket in the layout until it is back', () => {
    render(
      <SessionProvider session={{ token: 't', username: 'admin', expiresAt: Date.now() + 60_000 }} onEnd={() => undefined}>
        <Layout route={{ page: 'dashboard' }}>content</Layout>
      </SessionProvider>,
    );
    expect(screen.getByTestId('link-state').textContent).toBe('Connecting…');
    act(() => socket.report('connected'));
    expect(screen.getByTestId('link-state').textContent).toBe('Live');
    act(() => socket.report('reconnecting'));
    expect(screen.getByRole('alert').textContent).toContain('Live updates are interrupted');
    act(() => socket.report('connected'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current')).toBe('page');
  });
});
