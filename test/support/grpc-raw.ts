/**
 * A raw MessagingService client (our .proto files, no 5.x client logic), for the requests the official
 * client never sends: bad input, unimplemented RPCs, missing metadata.
 */
import * as grpc from '@grpc/grpc-js';
import { messagingServiceDefinition } from '../../engine/grpc/proto-loader';

type Unary = (request: object, metadata: grpc.Metadata, callback: (err: grpc.ServiceError | null, response: Record<string, unknown>) => void) => void;
type RawClient = grpc.Client & Record<string, Unary> & Record<string, (request: object, metadata: grpc.Metadata) => grpc.ClientReadableStream<Record<string, unknown>>>;

export interface RawStatus {
  code: string;
  message: string;
}

export class RawMessagingClient {
  private readonly client: RawClient;

  constructor(endpoint: string, private readonly clientId = `raw-${process.pid}-${Math.random().toString(36).slice(2)}`) {
    const Ctor = grpc.makeGenericClientConstructor(messagingServiceDefinition(), 'MessagingService');
    this.client = new Ctor(endpoint, grpc.credentials.createInsecure()) as unknown as RawClient;
  }

  metadata(withClientId = true): grpc.Metadata {
    const md = new grpc.Metadata();
    if (withClientId) md.set('x-mq-client-id', this.clientId);
    md.set('x-mq-language', 'HTTP');
    md.set('x-mq-client-version', 'raw');
    md.set('x-mq-protocol', 'v2');
    return md;
  }

  unary(method: string, request: object, withClientId = true): Promise<Record<string, unknown> & { status: RawStatus }> {
    return new Promise((resolve, reject) => {
      const fn = this.client[method] as Unary;
      fn.call(this.client, request, this.metadata(withClientId), (err, response) => (err ? reject(err) : resolve(response as Record<string, unknown> & { status: RawStatus })));
    });
  }

  /** A server-streaming call's items, until the server ends the stream. */
  stream(method: 'ReceiveMessage' | 'PullMessage', request: object, deadlineMs = 30_000): Promise<Record<string, unknown>[]> {
    return new Promise((resolve, reject) => {
      const fn = this.client[method] as unknown as (req: object, md: grpc.Metadata, opts: grpc.CallOptions) => grpc.ClientReadableStream<Record<string, unknown>>;
      const call = fn.call(this.client, request, this.metadata(), { deadline: Date.now() + deadlineMs });
      const items: Record<string, unknown>[] = [];
      call.on('data', (item: Record<string, unknown>) => items.push(item));
      call.on('error', reject);
      call.on('end', () => resolve(items));
    });
  }

  /** The Telemetry stream (bidirectional), opened with this client's metadata. */
  telemetry(): grpc.ClientDuplexStream<object, Record<string, unknown>> {
    const fn = this.client.Telemetry as unknown as (md: grpc.Metadata) => grpc.ClientDuplexStream<object, Record<string, unknown>>;
    return fn.call(this.client, this.metadata());
  }

  get id(): string {
    return this.clientId;
  }

  close(): void {
    this.client.close();
  }
}

/** A valid SendMessage request for one message; `patch` overrides parts of it. */
export function sendRequest(topic: string, patch: { body?: Buffer; userProperties?: Record<string, string>; system?: Record<string, unknown> } = {}): object {
  return {
    messages: [
      {
        topic: { name: topic },
        userProperties: patch.userProperties ?? {},
        systemProperties: {
          messageId: `raw-${Date.now()}-${Math.random().toString(36).slice(2)}`,
          bodyEncoding: 'IDENTITY',
          messageType: 'NORMAL',
          bornTimestamp: { seconds: Math.floor(Date.now() / 1000), nanos: 0 },
          bornHost: 'raw-test',
          ...patch.system,
        },
        body: patch.body ?? Buffer.from('raw body'),
      },
    ],
  };
}
