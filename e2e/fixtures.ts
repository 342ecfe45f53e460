import { test as base, expect, type APIRequestContext } from '@playwright/test';

export interface EngineHealth {
  instanceId: string;
  pid: number;
  dataDir: string;
  startedAt: number;
  listeners: { name: string; host: string; port: number; connections: number }[];
}

/** The engine state as the custom server itself reports it, outside the browser and outside tRPC. */
export async function engineHealth(request: APIRequestContext): Promise<EngineHealth> {
  const res = await request.get('/api/health');
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { engine: EngineHealth }).engine;
}

export const e2ePorts = {
  namesrv: Number(process.env.E2E_NAMESRV_PORT),
  broker: Number(process.env.E2E_BROKER_PORT),
};

export { base as test, expect };
