/**
 * Name server processors for broker → name server traffic: REGISTER_BROKER (103),
 * UNREGISTER_BROKER (104), QUERY_DATA_VERSION (322), BROKER_HEARTBEAT (904).
 * (RocketMQ `DefaultRequestProcessor`, broker half.)
 */
import { crc32 } from 'node:zlib';
import { optionalBool, optionalInt, optionalLong, optionalString, requiredLong, requiredString } from '../remoting/custom-header';
import { decodeJsonBody, encodeJsonBody } from '../remoting/protocol/json-body';
import { decodeRegisterBrokerBody, RegisterBodyError } from '../remoting/protocol/register-broker-body';
import type { DataVersion, KVTable } from '../remoting/protocol/route-data';
import type { RemotingChannel } from '../remoting/remoting-channel';
import { createResponse, type RemotingCommand } from '../remoting/remoting-command';
import { ResponseCode } from '../remoting/response-code';
import { NAMESPACE_ORDER_TOPIC_CONFIG, type KvConfigManager } from './kv-config-manager';
import type { RouteInfoManager } from './route-info-manager';

export interface NamesrvContext {
  routes: RouteInfoManager;
  kv: KvConfigManager;
}

export function registerBroker(ctx: NamesrvContext, request: RemotingCommand, channel: RemotingChannel): RemotingCommand {
  const ext = request.extFields;
  const bodyCrc32 = optionalInt(ext, 'bodyCrc32') ?? 0;
  if (bodyCrc32 !== 0) {
    // UtilAll.crc32: CRC-32 masked to a non-negative Java int.
    const actual = (crc32(request.body ?? Buffer.alloc(0)) & 0x7fffffff) >>> 0;
    if (actual !== bodyCrc32) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'crc32 not match' });
  }
  let body;
  try {
    body = decodeRegisterBrokerBody(request.body, optionalBool(ext, 'compressed') ?? false);
  } catch (err) {
    if (!(err instanceof RegisterBodyError)) throw err;
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: err.message });
  }
  const result = ctx.routes.registerBroker({
    clusterName: requiredString(ext, 'clusterName'),
    brokerAddr: requiredString(ext, 'brokerAddr'),
    brokerName: requiredString(ext, 'brokerName'),
    brokerId: requiredLong(ext, 'brokerId'),
    haServerAddr: optionalString(ext, 'haServerAddr') ?? '',
    zoneName: optionalString(ext, '__ZONE_NAME'),
    heartbeatTimeoutMillis: optionalLong(ext, 'heartbeatTimeoutMillis'),
    enableActingMaster: optionalBool(ext, 'enableActingMaster'),
    topicConfigWrapper: body.topicConfigSerializeWrapper,
    filterServerList: body.filterServerList,
    channelId: channel.id,
  });
  const orderConf = ctx.kv.list(NAMESPACE_ORDER_TOPIC_CONFIG);
  const table: KVTable | undefined = orderConf ? { table: orderConf } : undefined;
  return createResponse(request, ResponseCode.SUCCESS, {
    header: { haServerAddr: result.haServerAddr, masterAddr: result.masterAddr },
    body: table ? encodeJsonBody(table) : undefined,
  });
}

export function unregisterBroker(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  ctx.routes.unregisterBroker(
    requiredString(ext, 'clusterName'),
    requiredString(ext, 'brokerAddr'),
    requiredString(ext, 'brokerName'),
    requiredLong(ext, 'brokerId'),
  );
  return createResponse(request, ResponseCode.SUCCESS);
}

export function queryDataVersion(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  const clusterName = requiredString(ext, 'clusterName');
  const brokerAddr = requiredString(ext, 'brokerAddr');
  const raw = request.body ? (decodeJsonBody(request.body) as Partial<DataVersion> | null) : null;
  const dataVersion: DataVersion = { counter: Number(raw?.counter ?? 0), timestamp: Number(raw?.timestamp ?? 0) };
  if (raw?.stateVersion !== undefined) dataVersion.stateVersion = Number(raw.stateVersion);
  const changed = ctx.routes.isBrokerTopicConfigChanged(clusterName, brokerAddr, dataVersion);
  if (!changed) ctx.routes.updateBrokerInfoUpdateTimestamp(clusterName, brokerAddr);
  const current = ctx.routes.queryBrokerTopicConfig(clusterName, brokerAddr);
  return createResponse(request, ResponseCode.SUCCESS, {
    header: { changed },
    body: current ? encodeJsonBody(current) : undefined,
  });
}

export function brokerHeartbeat(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  ctx.routes.updateBrokerInfoUpdateTimestamp(requiredString(ext, 'clusterName'), requiredString(ext, 'brokerAddr'));
  return createResponse(request, ResponseCode.SUCCESS);
}
