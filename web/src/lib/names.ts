// Resolves user and agent pool IDs to display names, once per ID per page load, so lists that show
// IDs from the API (grants, groups, access) read as names. Thread-free: a plain in-memory cache.
import { useEffect, useState } from 'react';
import { ApiError, api } from './api';
import type { AgentPool, User } from './types';

export type NameKind = 'user' | 'pool';

const cache = new Map<string, Promise<string>>();
const settled = new Map<string, string>();

/** A short form of an ID for when no name can be found. */
export function shortId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}

/** Seeds the cache from objects the caller already has (e.g. a page of users). */
export function rememberNames(kind: NameKind, objs: ReadonlyArray<User | AgentPool>): void {
  for (const o of objs) {
    const label = kind === 'user' ? userLabel(o as User) : (o as AgentPool).name;
    const key = `${kind}:${o.id}`;
    settled.set(key, label);
    cache.set(key, Promise.resolve(label));
  }
}

export function userLabel(u: User): string {
  return u.name ? `${u.name} (${u.email})` : u.email;
}

function fetchName(kind: NameKind, id: string): Promise<string> {
  const key = `${kind}:${id}`;
  let p = cache.get(key);
  if (!p) {
    const path = kind === 'user' ? `/users/${encodeURIComponent(id)}` : `/agent-pool/${encodeURIComponent(id)}`;
    p = api.get<User | AgentPool>(path).then(
      (o) => (kind === 'user' ? userLabel(o as User) : (o as AgentPool).name),
      (e) => (e instanceof ApiError && e.status === 404 ? `deleted ${shortId(id)}` : shortId(id)),
    );
    p.then((n) => settled.set(key, n));
    cache.set(key, p);
  }
  return p;
}

/** Names for `ids` as they arrive; an ID maps to undefined until its name is known. */
export function useNames(kind: NameKind, ids: ReadonlyArray<string>): Record<string, string | undefined> {
  const key = ids.join(',');
  const initial = () => Object.fromEntries(ids.map((id) => [id, settled.get(`${kind}:${id}`)]));
  const [names, setNames] = useState<Record<string, string | undefined>>(initial);
  useEffect(() => {
    let live = true;
    setNames(initial());
    for (const id of ids) {
      if (settled.has(`${kind}:${id}`)) continue;
      fetchName(kind, id).then((n) => live && setNames((prev) => ({ ...prev, [id]: n })));
    }
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, key]);
  return names;
}

/** Clears the cache (on sign-out, so the next user sees nothing of the previous one's). */
export function forgetNames(): void {
  cache.clear();
  settled.clear();
}
