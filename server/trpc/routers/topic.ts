import { z } from 'zod';
import { mutateProcedure, readProcedure, router } from '../trpc';
import { anyTopicName, clusterName, newTopicName, perm, queueNums, topicName } from '../inputs';

const topicInput = z.object({
  cluster: clusterName,
  topic: topicName,
  readQueueNums: queueNums,
  writeQueueNums: queueNums,
  perm,
  order: z.boolean().optional(),
});
/** Creating refuses the names RocketMQ reserves for groups; updating a group's retry topic stays allowed. */
const newTopicInput = topicInput.extend({ topic: newTopicName });

export const topicRouter = router({
  list: readProcedure.input(z.object({ cluster: clusterName }).optional()).query(({ ctx, input }) => ctx.admins.get(input?.cluster).listTopics()),
  detail: readProcedure
    .input(z.object({ cluster: clusterName, topic: anyTopicName }))
    .query(({ ctx, input }) => ctx.admins.get(input.cluster).topicDetail(input.topic)),
  /** Half messages and timers waiting for the topic (an admin client without the call answers null). */
  pending: readProcedure
    .input(z.object({ cluster: clusterName, topic: anyTopicName }))
    .query(async ({ ctx, input }) => (await ctx.admins.get(input.cluster).topicPending?.(input.topic)) ?? null),
  create: mutateProcedure.input(newTopicInput).mutation(async ({ ctx, input }) => {
    const { cluster, ...topic } = input;
    await ctx.admins.get(cluster).createTopic(topic);
    return { topic: input.topic };
  }),
  update: mutateProcedure.input(topicInput).mutation(async ({ ctx, input }) => {
    const { cluster, ...topic } = input;
    await ctx.admins.get(cluster).updateTopic(topic);
    return { topic: input.topic };
  }),
  delete: mutateProcedure.input(z.object({ cluster: clusterName, topic: anyTopicName })).mutation(async ({ ctx, input }) => {
    await ctx.admins.get(input.cluster).deleteTopic(input.topic);
    return { topic: input.topic };
  }),
});
