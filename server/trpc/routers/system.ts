import { readProcedure, router } from '../trpc';

/** The co-hosted process itself: what only the running engine knows. */
export const systemRouter = router({
  status: readProcedure.query(({ ctx }) => {
    const status = ctx.engine.status();
    const memory = process.memoryUsage();
    return { ...status, nodeVersion: process.version, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed };
  }),
});
