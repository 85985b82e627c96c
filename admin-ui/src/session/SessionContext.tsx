import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Client } from 'graphql-ws';
import type { Session } from '../api/auth';
import { createSubscriptions, GraphQLHttp, type LinkState } from '../api/graphql';

export interface Api {
  session: Session;
  http: GraphQLHttp;
  subscriptions: Client;
  link: LinkState;
  logout: (reason?: string) => void;
}

const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) {
    throw new Error('useApi outside a signed-in session');
  }
  return api;
}

/** The signed-in part of the app: one HTTP client and one WebSocket for the session; it ends at logout or expiry. */
export function SessionProvider({
  session,
  onEnd,
  children,
}: {
  session: Session;
  onEnd: (reason?: string) => void;
  children: ReactNode;
}) {
  const [link, setLink] = useState<LinkState>('connecting');
  const http = useMemo(
    () => new GraphQLHttp(() => session.token, () => onEnd('Your session is no longer accepted. Please sign in again.')),
    [session, onEnd],
  );
  // Made and disposed of by the same effect: a client made in useMemo and disposed of by an effect's
  // cleanup was left disposed (and never reconnecting) when React ran the cleanup and kept the memo,
  // as StrictMode does in development.
  const [subscriptions, setSubscriptions] = useState<Client | null>(null);
  useEffect(() => {
    const client = createSubscriptions(session.token, setLink);
    setSubscriptions(client);
    return () => void client.dispose();
  }, [session]);
  useEffect(() => {
    const left = session.expiresAt - Date.now();
    const timer = setTimeout(() => onEnd('Your session expired. Please sign in again.'), Math.max(0, Math.min(left, 2 ** 31 - 1)));
    return () => clearTimeout(timer);
  }, [session, onEnd]);
  const api = useMemo(() => (subscriptions ? { session, http, subscriptions, link, logout: onEnd } : null),
    [session, http, subscriptions, link, onEnd]);
  return api && <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}
