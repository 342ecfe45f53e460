import type { AdminTransport } from './admin-transport';
import { AdminError, type MessageDetail, type MessageSummary } from './admin-types';

export async function queryMessagesByKey(_t: AdminTransport, _topic: string, _key: string, _range?: { begin: number; end: number }): Promise<MessageSummary[]> {
  throw new AdminError('INVALID', 'message query is not available yet');
}

export async function queryMessagesByTime(_t: AdminTransport, _topic: string, _begin: number, _end: number, _page: { pageSize: number; cursor?: string }): Promise<{ messages: MessageSummary[]; nextCursor: string | null }> {
  throw new AdminError('INVALID', 'message query is not available yet');
}

export async function viewMessage(_t: AdminTransport, _msgId: string, _topic?: string): Promise<MessageDetail> {
  throw new AdminError('INVALID', 'message view is not available yet');
}
