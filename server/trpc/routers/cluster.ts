import { z } from 'zod';
import { readProcedure, router } from '../trpc';
import { clusterName } from '../inputs';

export const clusterRouter = router({
  list: readProcedure.query(({ ctx }) => ctx.admins.list()),
  overview: readProcedure.input(z.object({ cluster: clusterName }).optional()).query(({ ctx, input }) => ctx.admins.get(input?.cluster).clusterOverview()),
});
