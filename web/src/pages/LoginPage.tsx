// Sign in with email and password. Wrong credentials and rate limiting (429 with Retry-After) get
// their own clear messages; the form cannot be submitted twice.
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../lib/api';
import { loginErrorMessage } from '../lib/messages';
import { usePending } from '../lib/hooks';
import type { LoginResponse, User } from '../lib/types';
import { Alert, BusyButton, Field } from '../components/ui';

export function LoginPage(props: { notice?: string; onSignedIn: (user: User, csrfToken: string) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = usePending();

  useEffect(() => {
    document.title = 'Sign in · jitgate';
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your email and password.');
      return;
    }
    void run(async () => {
      try {
        const r = await api.post<LoginResponse>('/auth/login', { email: email.trim(), password });
        props.onSignedIn(r.user, r.csrfToken);
      } catch (err) {
        setError(loginErrorMessage(err));
      }
    });
  };

  return (
    <main id="main" className="login">
      <form onSubmit={submit} className="card login-card" noValidate aria-labelledby="login-title">
        <h1 id="login-title">Sign in to jitgate</h1>
        {props.notice && !error && <Alert tone="info">{props.notice}</Alert>}
        {error && <Alert>{error}</Alert>}
        <Field label="Email" name="email">
          {(a) => (
            <input {...a} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
          )}
        </Field>
        <Field label="Password" name="password">
          {(a) => (
            <input {...a} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          )}
        </Field>
        <BusyButton type="submit" className="primary" busy={busy} busyText="Signing in…">
          Sign in
        </BusyButton>
      </form>
    </main>
  );
}
