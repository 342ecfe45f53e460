/**
 * Cluster overview: every name server asked for GET_BROKER_CLUSTER_INFO (106), every broker it names
 * asked for GET_BROKER_RUNTIME_INFO (28). Unreachable parts are reported, not thrown: the overview is
 * where a person looks to see what is down.
 */
import { decodeClusterInfo } from '../../engine/remoting/protocol/route-codec';
import type { ClusterInfo } from '../../engine/remoting/protocol/route-data';
import { decodeJsonBody } from '../../engine/remoting/protocol/json-body';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { brokerError, fanOutConcurrencyMax, settleLimit, brokersMax, type AdminTransport, type BrokerRef } from './admin-transport';
import { AdminError, type BrokerSummary, type ClusterOverview, type NameServerSummary } from './admin-types';

/** Keys of a runtime table kept (a broker may report many; the page shows them all). */
const runtimeKeysMax = 500;

export async function clusterOverview(t: AdminTransport, now = Date.now()): Promise<ClusterOverview> {
  const answers = await settleLimit(t.nameServers, fanOutConcurrencyMax, async (addr) => {
    const response = await t.call(addr, `name server ${addr}`, RequestCode.GET_BROKER_CLUSTER_INFO, null);
    if (response.code !== ResponseCode.SUCCESS || !response.body) {
      throw new AdminError('BROKER_ERROR', `name server ${addr} refused the cluster info request: ${response.remark ?? `code ${response.code}`}`);
    }
    return decodeClusterInfo(response.body);
  });
  const nameServers: NameServerSummary[] = t.nameServers.map((addr, i) => {
    const a = answers[i];
    return { addr, reachable: a?.ok === true, error: a && !a.ok ? a.error.message : null };
  });
  const info = answers.find((a): a is { ok: true; value: ClusterInfo } => a.ok)?.value;
  if (!info) return { nameServers, brokers: [] };
  const refs = brokerRefs(info);
  const brokers = await settleLimit(refs, fanOutConcurrencyMax, (ref) => runtimeInfo(t, ref));
  return {
    nameServers,
    brokers: refs.map((ref, i) => {
      const r = brokers[i];
      return r?.ok ? summarize(ref, r.value, now) : unreachable(ref, r && !r.ok ? r.error.message : 'no answer');
    }),
  };
}

function brokerRefs(info: ClusterInfo): BrokerRef[] {
  const out: BrokerRef[] = [];
  for (const data of Object.values(info.brokerAddrTable)) {
    for (const [id, addr] of Object.entries(data.brokerAddrs)) out.push({ clusterName: data.cluster, brokerName: data.brokerName, brokerId: Number(id), addr });
  }
  out.sort((a, b) => a.clusterName.localeCompare(b.clusterName) || a.brokerName.localeCompare(b.brokerName) || a.brokerId - b.brokerId);
  return out.slice(0, brokersMax);
}

export async function runtimeInfo(t: AdminTransport, ref: BrokerRef): Promise<Record<string, string>> {
  const response = await t.broker(ref, RequestCode.GET_BROKER_RUNTIME_INFO);
  if (response.code !== ResponseCode.SUCCESS || !response.body) throw brokerError(ref, 'report its runtime info', response);
  const body = decodeJsonBody(response.body) as { table?: Record<string, unknown> } | null;
  const table: Record<string, string> = {};
  for (const [k, v] of Object.entries(body?.table ?? {}).slice(0, runtimeKeysMax)) table[k] = String(v);
  return table;
}

function firstNumber(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(n) ? n : null;
}

/** RocketMQ reports -1 for a disk ratio it could not read. */
function ratioOrNull(n: number | null): number | null {
  return n !== null && n >= 0 ? n : null;
}

function summarize(ref: BrokerRef, runtime: Record<string, string>, now: number): BrokerSummary {
  const max = firstNumber(runtime.commitLogMaxOffset);
  const min = firstNumber(runtime.commitLogMinOffset);
  const boot = firstNumber(runtime.bootTimestamp);
  return {
    clusterName: ref.clusterName,
    brokerName: ref.brokerName,
    brokerId: ref.brokerId,
    addr: ref.addr,
    reachable: true,
    error: null,
    version: runtime.brokerVersionDesc ?? null,
    role: ref.brokerId === 0 ? 'MASTER' : 'SLAVE',
    tpsIn: firstNumber(runtime.putTps),
    // RocketMQ 5 spells it getTransferredTps, 4.x getTransferedTps.
    tpsOut: firstNumber(runtime.getTransferredTps ?? runtime.getTransferedTps),
    diskUsedRatio: ratioOrNull(firstNumber(runtime.commitLogDiskRatio)),
    commitLogBytes: max !== null && min !== null ? max - min : null,
    uptimeMs: boot !== null && boot > 0 ? Math.max(0, now - boot) : null,
    runtime,
  };
}

function unreachable(ref: BrokerRef, error: string): BrokerSummary {
  return {
    clusterName: ref.clusterName,
    brokerName: ref.brokerName,
    brokerId: ref.brokerId,
    addr: ref.addr,
    reachable: false,
    error,
    version: null,
    role: ref.brokerId === 0 ? 'MASTER' : 'SLAVE',
    tpsIn: null,
    tpsOut: null,
    diskUsedRatio: null,
    commitLogBytes: null,
    uptimeMs: null,
    runtime: {},
  };
}
