'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { usePaths } from '../lib/use-paths';
import { useTRPC, type RouterOutputs } from '../lib/trpc';
import { formatTimestamp } from '../lib/format';
import { useToast } from '../ui/toast';
import { DELIVER_IN_CHOICES, heldSendLabel, sendOptions, toLocalInput, TRANSACTION_CHOICES, type TransactionChoice } from './send-options';

type SendResult = RouterOutputs['message']['send'][number];

export const DELAY_LEVELS = ['1s', '5s', '10s', '30s', '1m', '2m', '3m', '4m', '5m', '6m', '7m', '8m', '9m', '10m', '20m', '30m', '1h', '2h'];

/** Parses "k=v" lines into properties; returns an error text for the first bad line. */
export function parseProperties(text: string): { properties: Record<string, string> } | { error: string } {
  const properties: Record<string, string> = {};
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (const [i, line] of lines.entries()) {
    const eq = line.indexOf('=');
    if (eq <= 0) return { error: `Property line ${i + 1} is not key=value.` };
    properties[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { properties };
}

export function splitKeys(text: string): string[] {
  return text.split(/[\s,]+/).filter((k) => k !== '');
}

export function SendMessageForm({ topic, cluster }: { topic: string; cluster: string | undefined }) {
  const paths = usePaths();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [tags, setTags] = useState('');
  const [keys, setKeys] = useState('');
  const [bodyMode, setBodyMode] = useState<'text' | 'json'>('text');
  const [body, setBody] = useState('');
  const [props, setProps] = useState('');
  const [delayLevel, setDelayLevel] = useState(0);
  const [deliverAt, setDeliverAt] = useState('');
  const [transaction, setTransaction] = useState<TransactionChoice>('none');
  const [count, setCount] = useState(1);
  const [problem, setProblem] = useState<string | null>(null);
  const [results, setResults] = useState<SendResult[]>([]);
  const send = useMutation(
    trpc.message.send.mutationOptions({
      onSuccess: async (rows) => {
        setResults(rows);
        const ok = rows.filter((r) => r.status === 'SEND_OK').length;
        const failed = rows.filter((r) => r.status !== 'SEND_OK' || r.transaction?.error);
        // The broker's own words when every failure says the same (a delivery time past timerMaxDelaySec).
        const reasons = new Set(failed.map((r) => r.error ?? r.transaction?.error));
        const reason = reasons.size === 1 ? ` — ${[...reasons][0]}` : '';
        if (failed.length === 0) toast.success(`Sent ${ok} message${ok === 1 ? '' : 's'} to ${topic}`);
        else toast.error(`${failed.length} of ${rows.length} messages were not sent as asked${reason}`);
        await queryClient.invalidateQueries({ queryKey: trpc.topic.detail.queryKey({ cluster, topic }) });
        await queryClient.invalidateQueries({ queryKey: trpc.topic.pending.queryKey({ cluster, topic }) });
      },
      onError: (err) => toast.error(err.message),
    }),
  );

  const submit = () => {
    if (bodyMode === 'json') {
      try {
        JSON.parse(body);
      } catch (err) {
        setProblem(`The body is not valid JSON: ${(err as Error).message}`);
        return;
      }
    }
    const parsed = parseProperties(props);
    if ('error' in parsed) {
      setProblem(parsed.error);
      return;
    }
    if (!Number.isInteger(count) || count < 1 || count > 1000) {
      setProblem('Count is a whole number from 1 to 1000.');
      return;
    }
    if (/[\s|]/.test(tags)) {
      setProblem('A tag cannot contain spaces or |.');
      return;
    }
    const chosen = sendOptions({ delayLevel, deliverAt, transaction }, Date.now());
    if ('error' in chosen) {
      setProblem(chosen.error);
      return;
    }
    setProblem(null);
    const keyList = splitKeys(keys);
    send.mutate({
      cluster,
      topic,
      body,
      count,
      ...(tags ? { tags } : {}),
      ...(keyList.length ? { keys: keyList } : {}),
      ...(Object.keys(parsed.properties).length ? { properties: parsed.properties } : {}),
      ...chosen.options,
    });
  };

  return (
    <section className="panel" aria-label="Send test message">
      <h2>Send test message</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="form-grid">
          <label className="field">
            <span>Tag</span>
            <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="TagA" />
          </label>
          <label className="field">
            <span>Keys (space separated)</span>
            <input name="keys" value={keys} onChange={(e) => setKeys(e.target.value)} placeholder="order-1001" />
          </label>
          <label className="field">
            <span>Delay</span>
            <select name="delayLevel" value={delayLevel} onChange={(e) => setDelayLevel(Number(e.target.value))}>
              <option value={0}>none</option>
              {DELAY_LEVELS.map((d, i) => (
                <option key={d} value={i + 1}>
                  level {i + 1} ({d})
                </option>
              ))}
            </select>
          </label>
          <div className="field">
            <label htmlFor="send-deliver-at">Deliver at (timer message)</label>
            <input id="send-deliver-at" name="deliverAt" type="datetime-local" step={1} value={deliverAt} onChange={(e) => setDeliverAt(e.target.value)} />
            <span className="toolbar" style={{ gap: '0.25rem' }}>
              {DELIVER_IN_CHOICES.map((c) => (
                <button key={c.seconds} type="button" className="btn btn-small" onClick={() => setDeliverAt(toLocalInput(Date.now() + c.seconds * 1000))}>
                  {c.label}
                </button>
              ))}
              {deliverAt && (
                <button type="button" className="btn btn-small" onClick={() => setDeliverAt('')}>
                  now
                </button>
              )}
            </span>
          </div>
          <label className="field">
            <span>Transactional</span>
            <select name="transaction" value={transaction} onChange={(e) => setTransaction(e.target.value as TransactionChoice)}>
              {TRANSACTION_CHOICES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Count</span>
            <input name="count" type="number" min={1} max={1000} value={count} onChange={(e) => setCount(Number(e.target.value))} />
          </label>
          <label className="field">
            <span>Body format</span>
            <select name="bodyMode" value={bodyMode} onChange={(e) => setBodyMode(e.target.value as 'text' | 'json')}>
              <option value="text">text</option>
              <option value="json">JSON (validated)</option>
            </select>
          </label>
          <label className="field wide">
            <span>Body</span>
            <textarea name="body" value={body} onChange={(e) => setBody(e.target.value)} placeholder={bodyMode === 'json' ? '{"orderId": 1001}' : 'hello'} />
          </label>
          <label className="field wide">
            <span>User properties (one key=value per line)</span>
            <textarea name="properties" value={props} onChange={(e) => setProps(e.target.value)} style={{ minHeight: '3.5rem' }} />
          </label>
        </div>
        {problem && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" className="btn btn-primary" disabled={send.isPending}>
          {send.isPending ? 'Sending…' : count > 1 ? `Send ${count} messages` : 'Send message'}
        </button>
      </form>
      {results.length > 0 && (
        <table className="table" data-testid="send-results" style={{ marginTop: '1rem' }}>
          <thead>
            <tr>
              <th>#</th>
              <th>Message id</th>
              <th>Broker</th>
              <th className="num">Queue</th>
              <th className="num">Offset</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r, i) => (
              <tr key={`${r.msgId}-${i}`}>
                <td>{i + 1}</td>
                <td className="mono">{r.status === 'FAILED' ? '—' : <Link href={paths.message(r.msgId, topic)}>{r.msgId}</Link>}</td>
                <td>{r.brokerName}</td>
                {heldSendLabel(r, formatTimestamp) !== null ? (
                  <td colSpan={2} data-testid={r.scheduled ? 'send-scheduled' : 'send-held'}>
                    {heldSendLabel(r, formatTimestamp)}
                  </td>
                ) : (
                  <>
                    <td className="num">{r.queueId}</td>
                    <td className="num">{r.queueOffset}</td>
                  </>
                )}
                <td>
                  <span className={r.status === 'SEND_OK' ? 'badge badge-ok' : 'badge badge-error'}>{r.status}</span>
                  {r.error && <span className="small muted"> {r.error}</span>}
                  {r.status !== 'FAILED' && <Link className="btn btn-small" href={paths.trace(r.msgId)}>Trace</Link>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
