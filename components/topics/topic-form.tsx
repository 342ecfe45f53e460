'use client';
import { useState } from 'react';

export interface TopicFormValues {
  topic: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
}

const TOPIC_RE = /^[%|a-zA-Z0-9_-]+$/;

/** Prefixes RocketMQ keeps for groups' retry and dead-letter topics: a new topic may not take them. */
const RESERVED_PREFIXES = ['%RETRY%', '%DLQ%'];

/** Validates like the server (and RocketMQ): returns the first problem, or null. `creating`: a new name is checked against the reserved prefixes. */
export function topicFormProblem(v: TopicFormValues, creating = false): string | null {
  if (!v.topic) return 'Enter a topic name.';
  if (v.topic.length > 127) return 'A topic name has at most 127 characters.';
  if (!TOPIC_RE.test(v.topic)) return 'A topic name may only contain letters, digits, %, |, - and _.';
  const reserved = creating ? RESERVED_PREFIXES.find((p) => v.topic.startsWith(p)) : undefined;
  if (reserved) return `Names starting with ${reserved} are reserved for consumer groups' ${reserved === '%RETRY%' ? 'retry' : 'dead-letter'} topics.`;
  for (const n of [v.readQueueNums, v.writeQueueNums]) if (!Number.isInteger(n) || n < 1 || n > 1024) return 'Queue counts are whole numbers from 1 to 1024.';
  return null;
}

/** Create (name editable) or edit (name fixed) a topic's queues and permission. */
export function TopicForm(props: { initial: TopicFormValues; nameEditable: boolean; busy: boolean; submitLabel: string; onSubmit: (v: TopicFormValues) => void; onCancel: () => void }) {
  const [v, setV] = useState(props.initial);
  const [touched, setTouched] = useState(false);
  const problem = topicFormProblem(v, props.nameEditable);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if (!problem) props.onSubmit(v);
      }}
    >
      <div className="form-grid">
        <label className="field wide">
          <span>Topic name</span>
          <input name="topic" value={v.topic} disabled={!props.nameEditable} onChange={(e) => setV({ ...v, topic: e.target.value.trim() })} autoFocus={props.nameEditable} />
        </label>
        <label className="field">
          <span>Write queues</span>
          <input name="writeQueueNums" type="number" min={1} max={1024} value={v.writeQueueNums} onChange={(e) => setV({ ...v, writeQueueNums: Number(e.target.value) })} />
        </label>
        <label className="field">
          <span>Read queues</span>
          <input name="readQueueNums" type="number" min={1} max={1024} value={v.readQueueNums} onChange={(e) => setV({ ...v, readQueueNums: Number(e.target.value) })} />
        </label>
        <label className="field">
          <span>Permission</span>
          <select name="perm" value={v.perm} onChange={(e) => setV({ ...v, perm: Number(e.target.value) })}>
            <option value={6}>read + write (6)</option>
            <option value={4}>read only (4)</option>
            <option value={2}>write only (2)</option>
          </select>
        </label>
      </div>
      {touched && problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={props.busy}>
          {props.busy ? 'Saving…' : props.submitLabel}
        </button>
      </div>
    </form>
  );
}
