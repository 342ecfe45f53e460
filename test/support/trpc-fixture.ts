/** Console routers against a real engine through the real admin client, and the tRPC error check the router tests share. */
import assert from 'node:assert/strict';
import { TRPCError } from '@trpc/server';
import type { AdminRegistry } from '../../server/admin/admin-registry';
import { RemotingClusterAdmin } from '../../server/admin/remoting-cluster-admin';
import { openTempConsoleDb, type TempConsoleDb } from '../../server/db/temp-console-db';
import { appRouter } from '../../server/trpc/root';
import type { EngineConfig } from '../../engine';
import { startEngine, type EngineFixture } from './engine-fixture';

export interface RouterFixture {
  fx: EngineFixture;
  admin: RemotingClusterAdmin;
  tmp: TempConsoleDb;
  caller: ReturnType<typeof appRouter.createCaller>;
  close(): Promise<void>;
}

/** An engine, an admin client on its name server, a temp console database, and a caller whose every cluster is that admin. */
export async function startRouterFixture(dbPrefix: string, engine: Partial<EngineConfig> = {}): Promise<RouterFixture> {
  const fx = await startEngine(engine);
  const admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
  const tmp = openTempConsoleDb(dbPrefix);
  const admins = { get: () => admin } as unknown as AdminRegistry;
  const caller = appRouter.createCaller({ engine: undefined as never, admins, db: tmp.db, actor: 'tester' });
  return {
    fx,
    admin,
    tmp,
    caller,
    async close() {
      await admin.close();
      await fx.close();
      tmp.cleanup();
    },
  };
}

/** `p` rejects with a TRPCError of `code` whose message matches `message`. */
export async function rejectsWith(p: Promise<unknown>, code: TRPCError['code'], message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof TRPCError, `expected a TRPCError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}
