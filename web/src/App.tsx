// The portal's root: restores the session (GET /me) and routes between the sign-in page and the
// signed-in pages. Management routes exist only for role managers; others never see them.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, getCsrfToken, setCsrfToken, setUnauthorizedListener } from './lib/api';
import { forgetNames } from './lib/names';
import { matchPath, navigate, useLocation } from './lib/router';
import { type Session, SessionContext } from './lib/session';
import type { User } from './lib/types';
import { Layout } from './components/Layout';
import { Loading } from './components/ui';
import { LoginPage } from './pages/LoginPage';
import { MyAccessPage } from './pages/MyAccessPage';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { TempAccessListPage } from './pages/TempAccessListPage';
import { CreateTempAccessPage } from './pages/CreateTempAccessPage';
import { TempAccessDetailPage } from './pages/TempAccessDetailPage';
import { AgentPoolsPage } from './pages/AgentPoolsPage';
import { UsersPage } from './pages/UsersPage';
import { GroupsPage } from './pages/GroupsPage';
import { AuditPage } from './pages/AuditPage';

export const TEMP_ACCESS_PATH = '/settings/iam/temp-access';

type Boot = { state: 'loading' } | { state: 'signedOut'; notice?: string } | { state: 'signedIn'; user: User };

export function App() {
  const [boot, setBoot] = useState<Boot>(() => (getCsrfToken() ? { state: 'loading' } : { state: 'signedOut' }));

  const endSession = useCallback((notice?: string) => {
    setCsrfToken(null);
    forgetNames();
    setBoot({ state: 'signedOut', notice });
  }, []);

  useEffect(() => {
    setUnauthorizedListener(() => endSession('Your session has ended. Sign in again.'));
    // Only ask the server when this tab signed in before: a signed-out visitor causes no 401.
    if (getCsrfToken()) {
      api.get<User>('/me').then(
        (user) => setBoot({ state: 'signedIn', user }),
        () => endSession(),
      );
    }
  }, [endSession]);

  const session = useMemo<Session | null>(() => {
    if (boot.state !== 'signedIn') return null;
    return {
      user: boot.user,
      refresh: async () => setBoot({ state: 'signedIn', user: await api.get<User>('/me') }),
      signOut: async () => {
        try {
          await api.post('/auth/logout');
        } finally {
          endSession('You are signed out.');
          navigate('/login', true);
        }
      },
    };
  }, [boot, endSession]);

  if (boot.state === 'loading') return <Loading what="jitgate" />;
  if (boot.state === 'signedOut' || !session) {
    return (
      <LoginPage
        notice={boot.state === 'signedOut' ? boot.notice : undefined}
        onSignedIn={(user, csrf) => {
          setCsrfToken(csrf);
          setBoot({ state: 'signedIn', user });
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Layout>
        <Routes manager={session.user.roleManager} />
      </Layout>
    </SessionContext.Provider>
  );
}

function Routes(props: { manager: boolean }) {
  const { path } = useLocation();
  const home = props.manager ? TEMP_ACCESS_PATH : '/my-access';
  useEffect(() => {
    if (path === '/' || path === '/login') navigate(home, true);
    else if (props.manager && (path === '/settings' || path === '/settings/iam')) navigate(TEMP_ACCESS_PATH, true);
  }, [path, home, props.manager]);

  if (matchPath('/my-access', path)) return <MyAccessPage />;
  if (matchPath('/api-keys', path)) return <ApiKeysPage />;
  if (props.manager) {
    if (matchPath(TEMP_ACCESS_PATH, path)) return <TempAccessListPage />;
    if (matchPath(`${TEMP_ACCESS_PATH}/new`, path)) return <CreateTempAccessPage />;
    const m = matchPath(`${TEMP_ACCESS_PATH}/:id`, path);
    if (m) return <TempAccessDetailPage id={m.id} />;
    if (matchPath('/settings/iam/agent-pools', path)) return <AgentPoolsPage />;
    if (matchPath('/settings/iam/users', path)) return <UsersPage />;
    if (matchPath('/settings/iam/groups', path)) return <GroupsPage />;
    if (matchPath('/settings/iam/audit', path)) return <AuditPage />;
    if (path === '/settings' || path === '/settings/iam') return null;
  }
  if (path === '/' || path === '/login') return null;
  return (
    <section>
      <h1>Page not found</h1>
      <p>There is no page at this address{props.manager ? '' : ' for your account'}.</p>
    </section>
  );
}
