import { useCallback, useState } from 'react';
import { restoreSession, saveSession, type Session } from './api/auth';
import { useRoute } from './routing/router';
import { SessionProvider } from './session/SessionContext';
import { Dashboard } from './views/Dashboard';
import { DeadLetters } from './views/DeadLetters';
import { Layout } from './views/Layout';
import { LoginView } from './views/LoginView';
import { Operations } from './views/Operations';
import { OrderDetail } from './views/OrderDetail';
import { SagaDetail } from './views/SagaDetail';
import { SagaList } from './views/SagaList';

export function App() {
  const [session, setSession] = useState<Session | null>(() => restoreSession());
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();

  const end = useCallback((reason?: string) => {
    saveSession(null);
    setSession(null);
    setNotice(reason ?? 'You are signed out.');
  }, []);

  if (!session) {
    return (
      <LoginView notice={notice} onLogin={(s) => {
        saveSession(s);
        setNotice(null);
        setSession(s);
      }} />
    );
  }
  return (
    <SessionProvider session={session} onEnd={end}>
      <Layout route={route}>
        {route.page === 'dashboard' && <Dashboard />}
        {route.page === 'sagas' && <SagaList view="all" />}
        {route.page === 'stuck' && <SagaList view="stuck" />}
        {route.page === 'saga' && <SagaDetail key={route.id} id={route.id} />}
        {route.page === 'order' && <OrderDetail key={route.id} id={route.id} />}
        {route.page === 'dead-letters' && <DeadLetters />}
        {route.page === 'operations' && <Operations />}
        {route.page === 'not-found' && <p className="state state-empty">There is no page at {route.path}.</p>}
      </Layout>
    </SessionProvider>
  );
}
