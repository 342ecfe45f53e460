'use client';
import Link from 'next/link';
import { formatTimestamp } from '../lib/format';
import { usePaths } from '../lib/use-paths';
import type { RouterOutputs } from '../lib/trpc';
import { bodySizeCell } from './body-size';

type MessageSummary = RouterOutputs['message']['byKey'][number];

export function MessageTable({ messages, testId = 'message-results' }: { messages: readonly MessageSummary[]; testId?: string }) {
  const paths = usePaths();
  if (messages.length === 0) return <p className="muted">No messages found.</p>;
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          <th>Message id</th>
          <th>Tag</th>
          <th>Keys</th>
          <th className="num">Queue</th>
          <th className="num">Offset</th>
          <th>Stored</th>
          <th className="num">Size</th>
          <th className="num">Retries</th>
        </tr>
      </thead>
      <tbody>
        {messages.map((m) => (
          <tr key={`${m.offsetMsgId}`} data-msg-id={m.msgId}>
            <td className="mono">
              <Link href={paths.message(m.msgId, m.topic)}>{m.msgId}</Link>
            </td>
            <td>{m.tags ?? '—'}</td>
            <td className="mono">{m.keys.join(' ') || '—'}</td>
            <td className="num">{m.queueId}</td>
            <td className="num">{m.queueOffset}</td>
            <td>{formatTimestamp(m.storeTimestamp)}</td>
            <td className="num" title={bodySizeCell(m).title}>{bodySizeCell(m).text}</td>
            <td className="num">{m.reconsumeTimes}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
