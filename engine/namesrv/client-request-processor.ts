/**
 * GET_ROUTEINFO_BY_TOPIC (105) — the one name server call ali-ons makes (RocketMQ
 * `ClientRequestProcessor`). Unknown topics: with autoCreateTopicEnable a valid name is created on
 * the spot (ali-ons never falls back to the TBW102 default route, so without this a new topic could
 * never be produced to); otherwise TOPIC_NOT_EXIST with RocketMQ's remark.
 */
import {
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  isNotAllowedSendTopic,
  isRetryOrDlqTopic,
  validateTopic,
} from '../common/topic-validator';
import { PERM_READ_WRITE } from '../common/perm-name';
import { requiredString } from '../remoting/custom-header';
import { encodeJsonBody } from '../remoting/protocol/json-body';
import type { TopicRouteData } from '../remoting/protocol/route-data';
import { createResponse, type RemotingCommand } from '../remoting/remoting-command';
import { ResponseCode } from '../remoting/response-code';
import type { NamesrvContext } from './broker-request-processor';

export interface RouteLookupOptions {
  autoCreateTopicEnable: boolean;
  /** Queues of an auto-created topic per broker (retry/DLQ topics get 1, like the broker makes them). */
  defaultTopicQueueNums: number;
  onTopicAutoCreated?: (topic: string, route: TopicRouteData) => void;
}

export function getRouteInfoByTopic(ctx: NamesrvContext, opts: RouteLookupOptions, request: RemotingCommand): RemotingCommand {
  const topic = requiredString(request.extFields, 'topic');
  let route = ctx.routes.pickupTopicRouteData(topic);
  if (!route && opts.autoCreateTopicEnable && canAutoCreate(topic)) {
    const queueNums = isRetryOrDlqTopic(topic) ? 1 : opts.defaultTopicQueueNums;
    route = ctx.routes.autoCreateTopic(topic, queueNums, PERM_READ_WRITE);
    if (route) opts.onTopicAutoCreated?.(topic, route);
  }
  if (!route) {
    // RocketMQ's remark, plus why auto-creation passed the name over: clients show only this text.
    const invalid = opts.autoCreateTopicEnable ? validateTopic(topic) : null;
    const why = invalid && !invalid.valid ? ` (not created: ${invalid.remark})` : '';
    return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, {
      remark: `No topic route info in name server for the topic: ${topic}${why}`,
    });
  }
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(route) });
}

function canAutoCreate(topic: string): boolean {
  return validateTopic(topic).valid && topic !== AUTO_CREATE_TOPIC_KEY_TOPIC && !isNotAllowedSendTopic(topic);
}
