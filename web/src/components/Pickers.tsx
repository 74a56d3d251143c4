// Searchable multi-selects for agent pools and users. Both search the server as you type (debounced),
// so they work with thousands of pools or users, and both enforce a maximum number of choices.
import { useId, useState } from 'react';
import { api } from '../lib/api';
import { useAsync, useDebounced } from '../lib/hooks';
import { rememberNames, userLabel } from '../lib/names';
import type { AgentPool, Page, User } from '../lib/types';

export interface Chosen {
  id: string;
  label: string;
}

interface PickerProps {
  /** The visible label of the search box, e.g. "Agent pools". */
  label: string;
  chosen: Chosen[];
  onChange: (chosen: Chosen[]) => void;
  max: number;
  error?: string;
  hint: string;
  /** The form field this picker fills, for error placement (data-field). */
  name: string;
}

/** Agent pools: a search box and a checkbox list of matching pools. */
export function PoolPicker(props: PickerProps) {
  return (
    <Picker
      {...props}
      search={async (q, signal) => {
        const page = await api.get<Page<AgentPool>>('/agent-pool', { search: q, limit: 50 }, signal);
        rememberNames('pool', page.items);
        return { total: page.total, options: page.items.map((p) => ({ id: p.id, label: p.name, note: p.description })) };
      }}
      noun="agent pool"
    />
  );
}

/** Users: a search box (email or name) and a list of matching users; disabled users cannot be chosen. */
export function UserPicker(props: PickerProps) {
  return (
    <Picker
      {...props}
      search={async (q, signal) => {
        const page = await api.get<Page<User>>('/users', { search: q, limit: 20 }, signal);
        rememberNames('user', page.items);
        return {
          total: page.total,
          options: page.items.map((u) => ({ id: u.id, label: userLabel(u), disabled: u.disabled, note: u.disabled ? 'disabled' : '' })),
        };
      }}
      noun="user"
    />
  );
}

interface Option {
  id: string;
  label: string;
  note?: string;
  disabled?: boolean;
}

function Picker(
  props: PickerProps & {
    noun: string;
    search: (q: string, signal: AbortSignal) => Promise<{ total: number; options: Option[] }>;
  },
) {
  const id = useId();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const { data, error, loading } = useAsync((signal) => props.search(q, signal), [q]);
  const chosenIds = new Set(props.chosen.map((c) => c.id));
  const full = props.chosen.length >= props.max;
  const toggle = (o: Option, on: boolean) => {
    if (on && !chosenIds.has(o.id) && !full) props.onChange([...props.chosen, { id: o.id, label: o.label }]);
    if (!on) props.onChange(props.chosen.filter((c) => c.id !== o.id));
  };
  const describedBy = [`${id}-hint`, `${id}-count`, props.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field picker${props.error ? ' has-error' : ''}`} data-field={props.name}>
      <label htmlFor={`${id}-search`}>{props.label}</label>
      <p className="hint" id={`${id}-hint`}>{props.hint}</p>
      {props.chosen.length > 0 && (
        <ul className="chips" aria-label={`Chosen ${props.noun}s`}>
          {props.chosen.map((c) => (
            <li key={c.id} className="chip">
              <span>{c.label}</span>
              <button type="button" aria-label={`Remove ${c.label}`} onClick={() => toggle({ id: c.id, label: c.label }, false)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id={`${id}-search`}
        type="search"
        placeholder={`Search ${props.noun}s…`}
        autoComplete="off"
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={!!props.error}
        aria-describedby={describedBy}
        aria-controls={`${id}-results`}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.preventDefault(); // Enter in a search box must not submit the form
        }}
      />
      <p className="count" id={`${id}-count`} aria-live="polite">
        {props.chosen.length} of at most {props.max} chosen{full ? ` — the maximum; remove one to choose another` : ''}
      </p>
      {props.error && <p className="field-error" id={`${id}-error`}>{props.error}</p>}
      <div id={`${id}-results`} className="results" role="group" aria-label={`${props.label} search results`} aria-busy={loading}>
        {error && <p className="field-error">Search failed: {error}</p>}
        {data && data.options.length === 0 && <p className="empty">No {props.noun}s match “{q}”.</p>}
        {data && data.options.length > 0 && (
          <ul className="options">
            {data.options.map((o) => {
              const on = chosenIds.has(o.id);
              return (
                <li key={o.id}>
                  <label className={`checkbox${o.disabled ? ' muted' : ''}`}>
                    <input
                      type="checkbox"
                      checked={on}
                      disabled={o.disabled || (!on && full)}
                      onChange={(e) => toggle(o, e.target.checked)}
                    />
                    {o.label}
                  </label>
                  {o.note && <span className="note">{o.note}</span>}
                </li>
              );
            })}
          </ul>
        )}
        {data && data.total > data.options.length && (
          <p className="hint">Showing {data.options.length} of {data.total}; type to narrow the search.</p>
        )}
      </div>
    </div>
  );
}
