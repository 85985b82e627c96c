import { useEffect, useState } from 'react';

/** The console's pages. Hash routes, so the gateway serves one index.html for every page. */
export type Route =
  | { page: 'dashboard' }
  | { page: 'sagas' }
  | { page: 'stuck' }
  | { page: 'saga'; id: string }
  | { page: 'order'; id: string }
  | { page: 'dead-letters' }
  | { page: 'operations' }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'dashboard' };
  if (parts[0] === 'sagas' && parts.length === 1) return { page: 'sagas' };
  if (parts[0] === 'sagas' && parts.length === 2) return { page: 'saga', id: parts[1] };
  if (parts[0] === 'stuck' && parts.length === 1) return { page: 'stuck' };
  if (parts[0] === 'orders' && parts.length === 2) return { page: 'order', id: parts[1] };
  if (parts[0] === 'dead-letters' && parts.length === 1) return { page: 'dead-letters' };
  if (parts[0] === 'operations' && parts.length === 1) return { page: 'operations' };
  return { page: 'not-found', path };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'dashboard':
      return '#/';
    case 'saga':
      return `#/sagas/${encodeURIComponent(route.id)}`;
    case 'order':
      return `#/orders/${encodeURIComponent(route.id)}`;
    case 'not-found':
      return `#${route.path}`;
    default:
      return `#/${route.page}`;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
