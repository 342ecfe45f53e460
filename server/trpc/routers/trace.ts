import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { readProcedure, router } from '../trpc';
import { anyTopicName, clusterName, msgId, timestamp } from '../inputs';

const traceTopic = anyTopicName.optional();

export const traceRouter = router({
  /** The trace records of one message (UNIQ_KEY or offset msg id), broker-written and client-sent. */
  byMsgId: readProcedure
    .input(z.object({ cluster: clusterName, msgId, traceTopic }))
    .query(({ ctx, input }) => {
      const admin = ctx.admins.get(input.cluster);
      if (!admin.queryTraces) throw new TRPCError({ code: 'NOT_IMPLEMENTED', message: 'this admin client cannot read traces' });
      return admin.queryTraces({ msgId: input.msgId, traceTopic: input.traceTopic });
    }),
  /** Traces of the messages of `topic` carrying business key `key`, optionally within a store-time range. */
  byKey: readProcedure
    .input(z.object({ cluster: clusterName, topic: anyTopicName, key: z.string().min(1).max(255), begin: timestamp.optional(), end: timestamp.optional(), traceTopic }))
    .query(({ ctx, input }) => {
      const admin = ctx.admins.get(input.cluster);
      if (!admin.queryTraces) throw new TRPCError({ code: 'NOT_IMPLEMENTED', message: 'this admin client cannot read traces' });
      return admin.queryTraces({ topic: input.topic, key: input.key, begin: input.begin, end: input.end, traceTopic: input.traceTopic });
    }),
});
