/**
 * ProxyContext: who is calling, from the metadata every 5.x client sends (x-mq-client-id,
 * x-mq-language, x-mq-client-version) and the peer address, plus the call's deadline.
 */
import type { Metadata } from '@grpc/grpc-js';
import type { ServerSurfaceCall } from '@grpc/grpc-js/build/src/server-call';

export interface GrpcCallContext {
  /** "" when the client sent none (refused where the proxy requires one). */
  clientId: string;
  language: string;
  clientVersion: string;
  /** "ip:port" of the peer. */
  remoteAddress: string;
  /** Absolute ms the client stops waiting (Infinity without a deadline). */
  deadline: number;
}

function header(metadata: Metadata, key: string): string {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : value ? value.toString('utf8') : '';
}

/** grpc-js peers read "ipv4:1.2.3.4:5", "ipv6:[::1]:5" or "1.2.3.4:5" depending on version. */
export function peerAddress(peer: string): string {
  let p = peer.replace(/^ipv[46]:/, '');
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(p);
  if (v6) p = `${v6[1]}:${v6[2]}`;
  return p;
}

export function callContext(call: ServerSurfaceCall): GrpcCallContext {
  const metadata = call.metadata;
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number.isFinite(deadline) ? Number(deadline) : Infinity;
  return {
    clientId: header(metadata, 'x-mq-client-id'),
    language: header(metadata, 'x-mq-language'),
    clientVersion: header(metadata, 'x-mq-client-version'),
    remoteAddress: peerAddress(call.getPeer()),
    deadline: deadlineMs,
  };
}
