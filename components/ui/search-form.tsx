'use client';
import { useState } from 'react';

export interface SearchField<K extends string> {
  name: K;
  label: string;
  type?: 'text' | 'datetime-local';
  required?: boolean;
  size?: number;
}

/**
 * A toolbar search form over a few text fields. It owns its draft values; give it a `key` derived from
 * the URL so a new URL resets it (search state lives in the URL, the draft only until Search).
 */
export function SearchForm<K extends string>(props: {
  fields: readonly SearchField<K>[];
  initial: Record<K, string>;
  onSearch: (values: Record<K, string>) => void;
  submitLabel?: string;
  separator?: { before: K; text: string };
}) {
  const [values, setValues] = useState(props.initial);
  return (
    <form
      className="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSearch(values);
      }}
    >
      {props.fields.map((f) => (
        <span key={f.name} style={{ display: 'contents' }}>
          {props.separator?.before === f.name && <span className="muted small">{props.separator.text}</span>}
          <label className="field">
            <span>{f.label}</span>
            <input
              name={f.name}
              type={f.type ?? 'text'}
              value={values[f.name]}
              required={f.required}
              size={f.size}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
            />
          </label>
        </span>
      ))}
      <button type="submit" className="btn btn-primary">
        {props.submitLabel ?? 'Search'}
      </button>
    </form>
  );
}
