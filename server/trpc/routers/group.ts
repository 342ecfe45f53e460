import { z } from 'zod';
import { mutateProcedure, readProcedure, router } from '../trpc';
import { anyTopicName, clusterName, groupName, timestamp } from '../inputs';

const resetTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('timestamp'), timestamp }),
  z.object({ kind: z.literal('earliest') }),
  z.object({ kind: z.literal('latest') }),
  z.object({ kind: z.literal('group'), fromGroup: groupName }),
]);
const resetInput = z.object({ cluster: clusterName, group: groupName, topic: anyTopicName, target: resetTarget });

export const groupRouter = router({
  list: readProcedure.input(z.object({ cluster: clusterName }).optional()).query(({ ctx, input }) => ctx.admins.get(input?.cluster).listGroups()),
  detail: readProcedure
    .input(z.object({ cluster: clusterName, group: groupName }))
    .query(({ ctx, input }) => ctx.admins.get(input.cluster).groupDetail(input.group)),
  createOrUpdate: mutateProcedure
    .input(
      z.object({
        cluster: clusterName,
        group: groupName,
        retryMaxTimes: z.number().int().min(0).max(64).optional(),
        consumeEnable: z.boolean().optional(),
        consumeBroadcastEnable: z.boolean().optional(),
        consumeMessageOrderly: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { cluster, group, ...config } = input;
      await ctx.admins.get(cluster).createOrUpdateGroup(group, config);
      return { group };
    }),
  delete: mutateProcedure.input(z.object({ cluster: clusterName, group: groupName })).mutation(async ({ ctx, input }) => {
    await ctx.admins.get(input.cluster).deleteGroup(input.group);
    return { group: input.group };
  }),
  previewReset: readProcedure
    .input(resetInput)
    .query(({ ctx, input }) => ctx.admins.get(input.cluster).previewResetOffset(input.group, input.topic, input.target)),
  resetOffset: mutateProcedure
    .input(resetInput)
    .mutation(({ ctx, input }) => ctx.admins.get(input.cluster).resetOffset(input.group, input.topic, input.target)),
});
