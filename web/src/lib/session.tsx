// Who is signed in. The session itself is the HttpOnly cookie; the portal keeps the user and the
// CSRF token (sessionStorage) and asks GET /me on load to learn whether the cookie is still good.
import { createContext, useContext } from 'react';
import type { User } from './types';

export interface Session {
  user: User;
  /** Re-reads GET /me (e.g. after changing one's own user). */
  refresh: () => Promise<void>;
  /** Ends the session on the server and returns to the sign-in page. */
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session; only used below the signed-in layout, where it always exists. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}
