/**
 * GET_ROUTEINFO_BY_TOPIC (105) — the one name server call every remoting client makes (RocketMQ
 * `ClientRequestProcessor`). The name server only reports what brokers registered: an unknown topic is
 * TOPIC_NOT_EXIST, as in RocketMQ. Topics are created by brokers — on an admin command, or on a first
 * send that names the default topic (TBW102, which brokers register while autoCreateTopicEnable is on) —
 * and reach the name server with the broker's next registration.
 */
import { requiredString } from '../remoting/custom-header';
import { encodeJsonBody } from '../remoting/protocol/json-body';
import { createResponse, type RemotingCommand } from '../remoting/remoting-command';
import { ResponseCode } from '../remoting/response-code';
import type { NamesrvContext } from './broker-request-processor';

export function getRouteInfoByTopic(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const topic = requiredString(request.extFields, 'topic');
  const route = ctx.routes.pickupTopicRouteData(topic);
  if (!route) {
    return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, { remark: `No topic route info in name server for the topic: ${topic}` });
  }
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(route) });
}
