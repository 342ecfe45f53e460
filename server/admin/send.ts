import type { AdminTransport } from './admin-transport';
import { AdminError, type ProducerClient, type SendInput, type SendResultRow } from './admin-types';

export async function sendMessages(_t: AdminTransport, _input: SendInput, _count: number): Promise<SendResultRow[]> {
  throw new AdminError('INVALID', 'send is not available yet');
}

export async function resendMessage(_t: AdminTransport, _msgId: string, _topic: string, _group: string, _clientId?: string): Promise<{ result: string }> {
  throw new AdminError('INVALID', 'resend is not available yet');
}

export async function producerConnections(_t: AdminTransport, _group: string): Promise<ProducerClient[]> {
  throw new AdminError('INVALID', 'producer connections are not available yet');
}
