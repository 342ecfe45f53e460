import { alertRouter } from './routers/alert';
import { clusterRouter } from './routers/cluster';
import { groupRouter } from './routers/group';
import { messageRouter } from './routers/message';
import { metricsRouter } from './routers/metrics';
import { producerRouter } from './routers/producer';
import { settingsRouter } from './routers/settings';
import { systemRouter } from './routers/system';
import { topicRouter } from './routers/topic';
import { traceRouter } from './routers/trace';
import { router } from './trpc';

export const appRouter = router({
  system: systemRouter,
  cluster: clusterRouter,
  topic: topicRouter,
  group: groupRouter,
  message: messageRouter,
  producer: producerRouter,
  settings: settingsRouter,
  trace: traceRouter,
  metrics: metricsRouter,
  alert: alertRouter,
});

export type AppRouter = typeof appRouter;
