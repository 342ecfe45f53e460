import { z } from 'zod';
import { readProcedure, router } from '../trpc';
import { clusterName, groupName } from '../inputs';

export const producerRouter = router({
  connections: readProcedure
    .input(z.object({ cluster: clusterName, group: groupName }))
    .query(({ ctx, input }) => ctx.admins.get(input.cluster).producerConnections(input.group)),
});
