import { z } from 'zod';
import { listAudit } from '../../db/audit-log';
import { mutateProcedure, readProcedure, router } from '../trpc';

const hostPort = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, { message: 'a name server address is host:port', abort: true })
  .refine((addr) => {
    const port = Number(addr.slice(addr.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'a port is 1 to 65535');

export const settingsRouter = router({
  clusters: readProcedure.query(({ ctx }) => ctx.admins.list()),
  addCluster: mutateProcedure
    .input(z.object({ name: z.string().min(1, 'a cluster needs a name').max(64).regex(/^[A-Za-z0-9_-]+$/, 'a cluster name may only contain letters, digits, - and _'), nameServers: z.array(hostPort).min(1).max(16) }))
    .mutation(({ ctx, input }) => ctx.admins.add(input)),
  removeCluster: mutateProcedure.input(z.object({ name: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    await ctx.admins.remove(input.name);
    return { name: input.name };
  }),
  audit: readProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100), before: z.number().int().optional() }).optional())
    .query(({ ctx, input }) => listAudit(ctx.db, { limit: input?.limit, before: input?.before })),
});
