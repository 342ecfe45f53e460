/**
 * Name server admin commands (RocketMQ `DefaultRequestProcessor`, admin half): cluster info,
 * topic lists, topic deletion, broker write permission, KV config.
 */
import { optionalString, requiredString } from '../remoting/custom-header';
import { encodeJsonBody } from '../remoting/protocol/json-body';
import type { KVTable, TopicList } from '../remoting/protocol/route-data';
import { createResponse, type RemotingCommand } from '../remoting/remoting-command';
import { ResponseCode } from '../remoting/response-code';
import type { NamesrvContext } from './broker-request-processor';

export function getBrokerClusterInfo(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(ctx.routes.getAllClusterInfo()) });
}

export function getAllTopicList(ctx: NamesrvContext, enabled: boolean, request: RemotingCommand): RemotingCommand {
  if (!enabled) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'disable' });
  const body: TopicList = { topicList: ctx.routes.getAllTopicList() };
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(body) });
}

export function getTopicsByCluster(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const body: TopicList = { topicList: ctx.routes.getTopicsByCluster(requiredString(request.extFields, 'cluster')) };
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(body) });
}

export function getSystemTopicList(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(ctx.routes.getSystemTopicList()) });
}

export function deleteTopicInNamesrv(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  const cluster = optionalString(ext, 'clusterName');
  ctx.routes.deleteTopic(requiredString(ext, 'topic'), cluster && cluster.trim() !== '' ? cluster : undefined);
  return createResponse(request, ResponseCode.SUCCESS);
}

export function wipeWritePermOfBroker(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const count = ctx.routes.setWritePermOfBroker(requiredString(request.extFields, 'brokerName'), false);
  return createResponse(request, ResponseCode.SUCCESS, { header: { wipeTopicCount: count } });
}

export function addWritePermOfBroker(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const count = ctx.routes.setWritePermOfBroker(requiredString(request.extFields, 'brokerName'), true);
  return createResponse(request, ResponseCode.SUCCESS, { header: { addTopicCount: count } });
}

export function putKvConfig(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  const ok = ctx.kv.put(requiredString(ext, 'namespace'), requiredString(ext, 'key'), requiredString(ext, 'value'));
  return ok
    ? createResponse(request, ResponseCode.SUCCESS)
    : createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'kv config limit reached' });
}

export function getKvConfig(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  const namespace = requiredString(ext, 'namespace');
  const key = requiredString(ext, 'key');
  const value = ctx.kv.get(namespace, key);
  if (value === undefined) {
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND, { remark: `No config item, Namespace: ${namespace} Key: ${key}` });
  }
  return createResponse(request, ResponseCode.SUCCESS, { header: { value } });
}

export function deleteKvConfig(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  ctx.kv.delete(requiredString(ext, 'namespace'), requiredString(ext, 'key'));
  return createResponse(request, ResponseCode.SUCCESS);
}

export function getKvListByNamespace(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const namespace = requiredString(request.extFields, 'namespace');
  const table = ctx.kv.list(namespace);
  if (!table) return createResponse(request, ResponseCode.QUERY_NOT_FOUND, { remark: `No config item, Namespace: ${namespace}` });
  const body: KVTable = { table };
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(body) });
}
