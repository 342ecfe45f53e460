/**
 * Raw remoting calls the tests make with our RemotingClient, shaped as RocketMQ's own clients and tools
 * send them: route lookups, a send as the Java client makes it for a topic the name server does not
 * know (DefaultMQProducerImpl.tryToFindTopicPublishInfo: the topic's route, else the TBW102 route and a
 * SEND_MESSAGE naming TBW102 as defaultTopic), the topic that send would create, and mqadmin's topic delete.
 */
import { PERM_INHERIT } from '../../engine/common/perm-name';
import type { TopicRouteData } from '../../engine/remoting/protocol/route-data';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { encodeProperties } from '../../engine/store/message-properties';

export interface RouteAnswer {
  code: number;
  remark?: string;
  route?: TopicRouteData;
}

export async function routeOf(client: RemotingClient, nameSrv: string, topic: string): Promise<RouteAnswer> {
  const res = await client.invoke(nameSrv, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }));
  const out: RouteAnswer = { code: res.code };
  if (res.remark !== undefined) out.remark = res.remark;
  if (res.code === ResponseCode.SUCCESS && res.body) out.route = JSON.parse(res.body.toString()) as TopicRouteData;
  return out;
}

export interface JavaStyleSend {
  /** Which route the send used: the topic's own, or the default topic's (the auto-create path). */
  via: 'topic' | 'default';
  code: number;
  remark?: string;
  msgId?: string;
}

/** One send as the Java client makes it, to queue 0 of the first broker of whichever route it found. */
export async function sendLikeJavaClient(client: RemotingClient, nameSrv: string, topic: string, body: string, tags = 'T'): Promise<JavaStyleSend> {
  let via: JavaStyleSend['via'] = 'topic';
  let answer = await routeOf(client, nameSrv, topic);
  if (answer.code === ResponseCode.TOPIC_NOT_EXIST) {
    via = 'default';
    answer = await routeOf(client, nameSrv, 'TBW102');
  }
  const brokerAddr = answer.route?.brokerDatas[0]?.brokerAddrs['0'];
  if (!brokerAddr) return { via, code: answer.code, remark: answer.remark ?? 'no route' };
  const header = {
    producerGroup: 'java-style-producer',
    topic,
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 0,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    flag: 0,
    properties: encodeProperties({ TAGS: tags, WAIT: 'true' }),
    reconsumeTimes: 0,
    unitMode: false,
    batch: false,
  };
  const res = await client.invoke(brokerAddr, createRequest(RequestCode.SEND_MESSAGE, header, { body: Buffer.from(body) }));
  const out: JavaStyleSend = { via, code: res.code, msgId: res.extFields.msgId };
  if (res.remark !== undefined) out.remark = res.remark;
  return out;
}

/** Waits until the name server serves a route for `topic` (or proves it never does within the time). */
export async function waitForRoute(client: RemotingClient, nameSrv: string, topic: string, timeoutMs = 10_000): Promise<TopicRouteData> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const answer = await routeOf(client, nameSrv, topic);
    if (answer.route) return answer.route;
    if (Date.now() > end) throw new Error(`no route for ${topic} after ${timeoutMs} ms (last answer ${answer.code} ${answer.remark ?? ''})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * What a Java producer's first send would leave behind, without sending: when the name server does not
 * know `topic` and serves TBW102 with PERM_INHERIT (the broker auto-creates), the topic is created with
 * the queues and perm that first send would give it (min(4, TBW102's), TBW102's perm without INHERIT).
 * ali-ons cannot auto-create (it gives up on the lookup's TOPIC_NOT_EXIST), so the test helpers provision
 * each topic this way before an ali-ons producer's first send to it — as an ali-ons application on a
 * broker with autoCreateTopicEnable relies on some other client or an operator. With auto-creation off
 * it creates nothing, and the send fails as it would.
 */
export async function provisionLikeJavaFallback(nameSrv: string, topic: string): Promise<void> {
  const client = new RemotingClient();
  try {
    if ((await routeOf(client, nameSrv, topic)).code !== ResponseCode.TOPIC_NOT_EXIST) return;
    const template = (await routeOf(client, nameSrv, 'TBW102')).route;
    const queues = template?.queueDatas[0];
    const brokerAddr = template?.brokerDatas.find((b) => b.brokerName === queues?.brokerName)?.brokerAddrs['0'];
    if (!queues || !brokerAddr || (queues.perm & PERM_INHERIT) === 0) return;
    const queueNums = Math.min(4, queues.writeQueueNums);
    const header = { topic, readQueueNums: queueNums, writeQueueNums: queueNums, perm: queues.perm & ~PERM_INHERIT, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
    const res = await client.invoke(brokerAddr, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, header));
    if (res.code !== ResponseCode.SUCCESS) throw new Error(`provision topic ${topic}: ${res.code} ${res.remark ?? ''}`);
    await waitForRoute(client, nameSrv, topic);
  } finally {
    await client.close();
  }
}

/** mqadmin deleteTopic: from the broker, then from the name server. */
export async function deleteTopic(nameSrv: string, brokerAddr: string, topic: string): Promise<void> {
  const client = new RemotingClient();
  try {
    for (const [addr, code] of [[brokerAddr, RequestCode.DELETE_TOPIC_IN_BROKER], [nameSrv, RequestCode.DELETE_TOPIC_IN_NAMESRV]] as const) {
      const res = await client.invoke(addr, createRequest(code, { topic }));
      if (res.code !== ResponseCode.SUCCESS) throw new Error(`delete topic ${topic} at ${addr}: ${res.code} ${res.remark ?? ''}`);
    }
  } finally {
    await client.close();
  }
}
