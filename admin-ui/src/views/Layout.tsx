import type { ReactNode } from 'react';
import { href, type Route } from '../routing/router';
import { useApi } from '../session/SessionContext';

const NAV: { label: string; route: Route; pages: Route['page'][] }[] = [
  { label: 'Dashboard', route: { page: 'dashboard' }, pages: ['dashboard'] },
  { label: 'Sagas', route: { page: 'sagas' }, pages: ['sagas', 'stuck', 'saga', 'order'] },
  { label: 'Dead letters', route: { page: 'dead-letters' }, pages: ['dead-letters'] },
  { label: 'Operations', route: { page: 'operations' }, pages: ['operations'] },
];

/** The frame of every signed-in page: navigation, the live-connection state, the user and logout. */
export function Layout({ route, children }: { route: Route; children: ReactNode }) {
  const { session, link, logout } = useApi();
  return (
    <div className="layout">
      <header className="topbar">
        <a className="brand" href="#/">
          Sagaway admin
        </a>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <a key={item.label} href={href(item.route)} aria-current={item.pages.includes(route.page) ? 'page' : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        <span className={`link link-${link}`} role="status" aria-live="polite" data-testid="link-state">
          {link === 'connected' ? 'Live' : link === 'connecting' ? 'Connecting…' : 'Connection lost, reconnecting…'}
        </span>
        <span className="user">{session.username}</span>
        <button type="button" onClick={() => logout()}>
          Log out
        </button>
      </header>
      {link === 'reconnecting' && (
        <div className="banner" role="alert">
          Live updates are interrupted: the WebSocket to the gateway was lost. Reconnecting; what you see may be out of date.
        </div>
      )}
      <main className="content">{children}</main>
    </div>
  );
}
