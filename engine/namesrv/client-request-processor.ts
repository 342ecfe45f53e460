/**
 * GET_ROUTEINFO_BY_TOPIC (105) — the one name server call every remoting client makes (RocketMQ
 * `ClientRequestProcessor`). The name server only reports what brokers registered: an unknown topic is
 * TOPIC_NOT_EXIST, as in RocketMQ. Topics are created by brokers — on an admin command, or on a first
 * send that names the default topic (TBW102, which brokers register while autoCreateTopicEnable is on) —
 * and reach the name server with the broker's next registration.
 *
 * Clients that cannot fall back to the default topic themselves (ali-ons throws on the 17 before it
 * tries TBW102) can be served it here instead: with `defaultRouteForUnknownTopics`, an unknown topic a
 * client may send to is answered with TBW102's route, which is what the Java client substitutes on its
 * own. The lookup still creates nothing; the broker creates the topic on the first send naming TBW102.
 */
import { requiredString } from '../remoting/custom-header';
import { encodeJsonBody } from '../remoting/protocol/json-body';
import type { TopicRouteData } from '../remoting/protocol/route-data';
import { createResponse, type RemotingCommand } from '../remoting/remoting-command';
import { ResponseCode } from '../remoting/response-code';
import { AUTO_CREATE_TOPIC_KEY_TOPIC, isAutoCreatableTopic, isSystemTopic } from '../common/topic-validator';
import type { NamesrvContext } from './broker-request-processor';

/**
 * Queues of the default route served for an unknown topic: the clients' own `defaultTopicQueueNums` (4 in
 * ali-ons and the Java client), which the Java client applies to the default route itself and the broker
 * uses to size the topic it creates — a route with TBW102's 8 queues would send to queues that never exist.
 */
const DEFAULT_ROUTE_QUEUE_NUMS = 4;

export function getRouteInfoByTopic(ctx: NamesrvContext, request: RemotingCommand, options: { defaultRouteForUnknownTopics?: boolean } = {}): RemotingCommand {
  const topic = requiredString(request.extFields, 'topic');
  let route = ctx.routes.pickupTopicRouteData(topic);
  if (!route && options.defaultRouteForUnknownTopics && isAutoCreatableTopic(topic) && !isSystemTopic(topic)) route = defaultRoute(ctx);
  if (!route) {
    return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, { remark: `No topic route info in name server for the topic: ${topic}` });
  }
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(route) });
}

function defaultRoute(ctx: NamesrvContext): TopicRouteData | undefined {
  const route = ctx.routes.pickupTopicRouteData(AUTO_CREATE_TOPIC_KEY_TOPIC);
  if (!route) return undefined;
  const queueDatas = route.queueDatas.map((q) => ({
    ...q,
    readQueueNums: Math.min(q.readQueueNums, DEFAULT_ROUTE_QUEUE_NUMS),
    writeQueueNums: Math.min(q.writeQueueNums, DEFAULT_ROUTE_QUEUE_NUMS),
  }));
  return { ...route, queueDatas };
}
