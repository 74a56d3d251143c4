// The signed-in frame: a skip link, the top navigation (only the pages this user may use), the
// signed-in user and Sign out, and the main region.
import type { ReactNode } from 'react';
import { useLocation } from '../lib/router';
import { useSession } from '../lib/session';
import { usePending } from '../lib/hooks';
import { BusyButton, Link } from './ui';

export function Layout(props: { children: ReactNode }) {
  const { user, signOut } = useSession();
  const { path } = useLocation();
  const [busy, run] = usePending();
  const items = [
    ...(user.roleManager ? [{ to: '/settings/iam/temp-access', label: 'Settings', prefix: '/settings' }] : []),
    { to: '/my-access', label: 'My access', prefix: '/my-access' },
    { to: '/api-keys', label: 'API keys', prefix: '/api-keys' },
  ];
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">jitgate</span>
        <nav aria-label="Main">
          <ul>
            {items.map((i) => (
              <li key={i.to}>
                <Link to={i.to} ariaCurrent={path.startsWith(i.prefix)}>
                  {i.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="whoami">
          <span title={user.email}>{user.name || user.email}</span>
          {user.roleManager && <span className="badge">Role manager</span>}
          <BusyButton busy={busy} busyText="Signing out…" onClick={() => run(signOut)}>
            Sign out
          </BusyButton>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
