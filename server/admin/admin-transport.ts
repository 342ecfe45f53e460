/**
 * The admin client's wire: one RemotingClient, the cluster's name servers, and calls that turn every
 * failure into an AdminError a person can read ("broker broker-a (127.0.0.1:10911) did not answer
 * in 3 s"). Brokers are found through GET_BROKER_CLUSTER_INFO on the name servers; admin commands go
 * to every master (brokerId 0).
 */
import { RemotingConnectError, RemotingTimeoutError } from '../../engine/remoting/errors';
import { decodeClusterInfo } from '../../engine/remoting/protocol/route-codec';
import type { ClusterInfo } from '../../engine/remoting/protocol/route-data';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest, type RemotingCommand } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { AdminError } from './admin-types';

/** Default time one admin request may take, ms. */
export const adminTimeoutMsDefault = 3_000;
/** Requests the admin client has in flight at once during a fan-out (per call). */
export const fanOutConcurrencyMax = 16;
/** Brokers of a cluster the client will address (bounds every fan-out). */
export const brokersMax = 256;

export interface BrokerRef {
  clusterName: string;
  brokerName: string;
  brokerId: number;
  addr: string;
}

export interface CallOptions {
  body?: Buffer;
  timeoutMs?: number;
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

export function brokerLabel(ref: Pick<BrokerRef, 'brokerName' | 'addr'>): string {
  return `broker ${ref.brokerName} (${ref.addr})`;
}

export class AdminTransport {
  readonly client: RemotingClient;
  private preferredNameServer = 0;

  constructor(readonly nameServers: readonly string[], readonly timeoutMs: number) {
    if (nameServers.length === 0) throw new AdminError('INVALID', 'no name server address configured');
    this.client = new RemotingClient({ requestTimeoutMs: timeoutMs, connectTimeoutMs: timeoutMs });
  }

  /** One request to one address; network failures become AdminError naming `who`. */
  async call(addr: string, who: string, code: number, header: Record<string, unknown> | null, opts: CallOptions = {}): Promise<RemotingCommand> {
    const timeout = opts.timeoutMs ?? this.timeoutMs;
    const request = createRequest(code, header, opts.body ? { body: opts.body } : {});
    try {
      return await this.client.invoke(addr, request, timeout);
    } catch (err) {
      throw networkError(err, who, timeout);
    }
  }

  /**
   * Asks the name servers in turn, starting with the one that answered last (so a dead first name
   * server costs one timeout, not one per call); the first that answers wins.
   */
  async nameServer(code: number, header: Record<string, unknown> | null = null, opts: CallOptions = {}): Promise<RemotingCommand> {
    let last: unknown;
    const n = this.nameServers.length;
    for (let i = 0; i < n; i++) {
      const index = (this.preferredNameServer + i) % n;
      const addr = this.nameServers[index] as string;
      try {
        const response = await this.call(addr, `name server ${addr}`, code, header, opts);
        this.preferredNameServer = index;
        return response;
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  broker(ref: BrokerRef, code: number, header: Record<string, unknown> | null = null, opts: CallOptions = {}): Promise<RemotingCommand> {
    return this.call(ref.addr, brokerLabel(ref), code, header, opts);
  }

  /** Like `broker`, but anything but SUCCESS is an AdminError BROKER_ERROR saying what failed. */
  async brokerOk(ref: BrokerRef, code: number, what: string, header: Record<string, unknown> | null = null, opts: CallOptions = {}): Promise<RemotingCommand> {
    const response = await this.broker(ref, code, header, opts);
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(ref, what, response);
    return response;
  }

  async clusterInfo(): Promise<ClusterInfo> {
    const response = await this.nameServer(RequestCode.GET_BROKER_CLUSTER_INFO);
    if (response.code !== ResponseCode.SUCCESS || !response.body) {
      throw new AdminError('BROKER_ERROR', `name server refused the cluster info request: ${response.remark ?? `code ${response.code}`}`);
    }
    return decodeClusterInfo(response.body);
  }

  /** Every broker (masters and slaves) the name servers know, masters first. */
  async brokers(): Promise<BrokerRef[]> {
    const info = await this.clusterInfo();
    const out: BrokerRef[] = [];
    for (const data of Object.values(info.brokerAddrTable)) {
      for (const [id, addr] of Object.entries(data.brokerAddrs)) {
        out.push({ clusterName: data.cluster, brokerName: data.brokerName, brokerId: Number(id), addr });
      }
    }
    out.sort((a, b) => a.brokerId - b.brokerId || a.brokerName.localeCompare(b.brokerName));
    return out.slice(0, brokersMax);
  }

  async masters(): Promise<BrokerRef[]> {
    return (await this.brokers()).filter((b) => b.brokerId === 0);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export function networkError(err: unknown, who: string, timeoutMs: number): AdminError {
  if (err instanceof AdminError) return err;
  if (err instanceof RemotingTimeoutError) return new AdminError('TIMEOUT', `${who} did not answer in ${formatSeconds(timeoutMs)}`, { cause: err });
  if (err instanceof RemotingConnectError) {
    if (/timed out/.test(err.message)) return new AdminError('TIMEOUT', `${who} did not answer in ${formatSeconds(timeoutMs)}`, { cause: err });
    const reason = (err.cause as NodeJS.ErrnoException | undefined)?.code ?? err.message;
    return new AdminError('UNREACHABLE', `${who} is unreachable (${reason})`, { cause: err });
  }
  return new AdminError('UNREACHABLE', `${who} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

export function brokerError(ref: Pick<BrokerRef, 'brokerName' | 'addr'>, what: string, response: RemotingCommand): AdminError {
  const remark = response.remark ? `: ${response.remark}` : '';
  return new AdminError('BROKER_ERROR', `${brokerLabel(ref)} could not ${what} (code ${response.code}${remark})`);
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Like Promise.allSettled over mapLimit: per-item value or the AdminError it failed with. */
export function settleLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<Array<{ ok: true; value: R } | { ok: false; error: AdminError }>> {
  return mapLimit(items, limit, async (item) => {
    try {
      return { ok: true as const, value: await fn(item) };
    } catch (err) {
      return { ok: false as const, error: err instanceof AdminError ? err : new AdminError('BROKER_ERROR', (err as Error).message, { cause: err }) };
    }
  });
}
