/**
 * The process-wide engine handle.
 *
 * Next.js bundles every route handler and server component with its own copy of in-repo modules, so a
 * module-level singleton would exist twice in one process. The handle therefore lives on `globalThis`
 * under a registered symbol: every copy of this module reads the same slot. (tRPC itself is served by the
 * custom server in server/main.ts, outside Next's bundles; the registry covers any Next-compiled code.)
 */
import { BrokerEngine, type EngineConfig } from './engine';

const ENGINE_KEY = Symbol.for('rocketdeck.engine');
type EngineGlobal = typeof globalThis & { [ENGINE_KEY]?: BrokerEngine };

export function createEngine(config: EngineConfig): BrokerEngine {
  const g = globalThis as EngineGlobal;
  if (g[ENGINE_KEY]) throw new Error('an engine already exists in this process');
  const engine = new BrokerEngine(config);
  g[ENGINE_KEY] = engine;
  return engine;
}

export function getEngine(): BrokerEngine {
  const engine = (globalThis as EngineGlobal)[ENGINE_KEY];
  if (!engine) throw new Error('engine not started');
  return engine;
}

export function releaseEngine(engine: BrokerEngine): void {
  const g = globalThis as EngineGlobal;
  if (g[ENGINE_KEY] === engine) delete g[ENGINE_KEY];
}
