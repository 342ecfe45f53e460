import { z } from 'zod';
import { mutateProcedure, readProcedure, router } from '../trpc';
import { timePageSizeDefault, timePageSizeMax } from '../../admin/messages';
import { deliverAheadMsMax } from '../../admin/send';
import { anyTopicName, clusterName, groupName, msgId, timestamp } from '../inputs';

/** Most messages one test send may produce. */
export const sendCountMax = 1_000;
/** Largest body the test-send form accepts, bytes (RocketMQ's default max message size). */
export const sendBodyBytesMax = 4 * 1024 * 1024;

const properties = z
  .record(z.string().min(1).max(128).regex(/^[^\u0001\u0002]+$/, 'property names cannot contain \\u0001 or \\u0002'), z.string().max(8192).regex(/^[^\u0001\u0002]*$/, 'property values cannot contain \\u0001 or \\u0002'))
  .refine((p) => Object.keys(p).length <= 64, 'at most 64 properties');

/**
 * A test send's input. A timer message's delivery time is in the future and within deliverAheadMsMax (the
 * broker's timerMaxDelaySec, usually lower, refuses beyond it with its own message); a transactional one
 * is neither delayed nor timed (RocketMQ 5's clients refuse that too), and a delay level and a delivery
 * time exclude each other.
 */
export const sendInput = z
  .object({
    cluster: clusterName,
    topic: anyTopicName,
    tags: z.string().max(255).regex(/^[^|\s]*$/, 'a tag cannot contain spaces or |').optional(),
    keys: z.array(z.string().min(1).max(255).regex(/^\S+$/, 'a key cannot contain spaces')).max(32).optional(),
    body: z.string().max(sendBodyBytesMax, 'the body is larger than 4 MiB'),
    properties: properties.optional(),
    delayLevel: z.number().int().min(0).max(18).optional(),
    deliverAt: timestamp
      .refine((at) => at > Date.now(), 'the delivery time has passed')
      .refine((at) => at <= Date.now() + deliverAheadMsMax, `the delivery time is more than ${deliverAheadMsMax / 86_400_000} days ahead`)
      .optional(),
    transaction: z.enum(['commit', 'rollback', 'unknown']).optional(),
    count: z.number().int().min(1).max(sendCountMax, `at most ${sendCountMax} messages at once`).default(1),
  })
  .refine((i) => !(i.delayLevel && i.deliverAt !== undefined), { message: 'choose a delay level or a delivery time, not both', path: ['deliverAt'] })
  .refine((i) => !(i.transaction && (i.delayLevel || i.deliverAt !== undefined)), { message: 'a transactional message cannot also be delayed or timed', path: ['transaction'] });

export const messageRouter = router({
  byKey: readProcedure
    .input(z.object({ cluster: clusterName, topic: anyTopicName, key: z.string().min(1).max(255), begin: timestamp.optional(), end: timestamp.optional() }))
    .query(({ ctx, input }) =>
      ctx.admins
        .get(input.cluster)
        .queryMessagesByKey(input.topic, input.key, input.begin !== undefined && input.end !== undefined ? { begin: input.begin, end: input.end } : undefined),
    ),
  byTime: readProcedure
    .input(
      z.object({
        cluster: clusterName,
        topic: anyTopicName,
        begin: timestamp,
        end: timestamp,
        pageSize: z.number().int().min(1).max(timePageSizeMax, `at most ${timePageSizeMax} messages per page`).default(timePageSizeDefault),
        cursor: z.string().max(4096).optional(),
      })
      .refine((i) => i.begin <= i.end, { message: 'the start time is later than the end time', path: ['begin'] }),
    )
    .query(({ ctx, input }) =>
      ctx.admins.get(input.cluster).queryMessagesByTime(input.topic, input.begin, input.end, { pageSize: input.pageSize, cursor: input.cursor }),
    ),
  view: readProcedure
    .input(z.object({ cluster: clusterName, msgId, topic: anyTopicName.optional() }))
    .query(({ ctx, input }) => ctx.admins.get(input.cluster).viewMessage(input.msgId, input.topic)),
  send: mutateProcedure
    .input(sendInput)
    .mutation(({ ctx, input }) => {
      const { cluster, count, ...message } = input;
      return ctx.admins.get(cluster).sendMessages(message, count);
    }),
  redeliver: mutateProcedure
    .input(z.object({ cluster: clusterName, msgId, topic: anyTopicName, group: groupName }))
    .mutation(({ ctx, input }) => ctx.admins.get(input.cluster).redeliverToGroup(input.msgId, input.topic, input.group)),
  resend: mutateProcedure
    .input(z.object({ cluster: clusterName, msgId, topic: anyTopicName, group: groupName, clientId: z.string().max(512).optional() }))
    .mutation(({ ctx, input }) => ctx.admins.get(input.cluster).resendMessage(input.msgId, input.topic, input.group, input.clientId)),
});
