/**
 * The RocketDeck process: one Node.js process that hosts the broker engine and the web console.
 *
 * Boot order: data dir and broker listeners first (cheap, and the most likely to fail), then the console's
 * HTTP listener, then Next.js. Any start-up failure is one line on stderr and exit code 1.
 *
 * Why /api/trpc is answered here and not by a Next route handler: Next compiles route handlers into their
 * own bundles, each with a private copy of every in-repo module, so engine code imported there would be a
 * second, idle engine. Serving tRPC from this server keeps one module graph for engine + routers; Next only
 * ever renders the UI (and reaches the engine, if it must, through the globalThis registry).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import next from 'next';
import { type BrokerEngine, createEngine, EngineStartError, releaseEngine, ROCKETDECK_VERSION } from '../engine';
import { AdminRegistry } from './admin/admin-registry';
import { RemotingClusterAdmin } from './admin/remoting-cluster-admin';
import { createMonitoring } from './alerts/monitoring';
import { ConfigError, parseConfig, type ServerConfig } from './config';
import { clusterStore } from './db/cluster-rows';
import { openConsoleDb } from './db/console-db';
import { AdminMetricsSource } from './metrics/admin-metrics-source';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from './metrics/prometheus';
import { appRouter } from './trpc/root';

export interface RunningServer {
  engine: BrokerEngine;
  consoleUrl: string;
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const engine = createEngine({
    dataDir: config.dataDir,
    host: config.host,
    namesrvPort: config.namesrvPort,
    brokerPort: config.brokerPort,
    grpcPort: config.grpcPort,
    autoCreateTopicEnable: config.autoCreateTopic,
    defaultRouteForUnknownTopics: config.defaultRouteForUnknownTopics,
    store: { flushDiskType: config.flushDiskType, timerMaxDelaySec: config.timerMaxDelaySec },
  });
  try {
    await engine.start();
  } catch (err) {
    releaseEngine(engine);
    throw err;
  }

  const db = openConsoleDb(config.dataDir);
  // The console manages the co-hosted broker the way it manages any cluster: over the wire, through
  // the name server, with RocketMQ's admin commands.
  const namesrvPort = engine.status().listeners.find((l) => l.name === 'namesrv')?.port ?? config.namesrvPort;
  const namesrvHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const admins = new AdminRegistry((nameServers) => new RemotingClusterAdmin({ nameServers }), [`${namesrvHost}:${namesrvPort}`], clusterStore(db));

  const metricsSource = new AdminMetricsSource((name) => admins.get(name));

  const app = next({ dev: config.dev, dir: projectRoot(), hostname: config.host });
  let nextHandler: ReturnType<typeof app.getRequestHandler> | undefined;
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    createContext: () => ({ engine, admins, db, actor: 'anonymous' }),
  });

  const httpServer = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/trpc/')) return void trpcHandler(req, res);
    if (url === '/api/health') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ ok: true, console: nextHandler !== undefined, engine: engine.status() }));
      return;
    }
    if (url === '/metrics' || url.startsWith('/metrics?')) {
      // Clusters still configured only: a removed cluster's last snapshot is not exported.
      renderPrometheus({ clusters: () => admins.list().map((c) => c.name), latest: (c) => metricsSource.latest(c) }).then(
        (text) => {
          res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics: ${err instanceof Error ? err.message : String(err)}\n`);
        },
      );
      return;
    }
    if (!nextHandler) {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
      res.end('RocketDeck console is starting\n');
      return;
    }
    void nextHandler(req, res);
  });

  try {
    await listen(httpServer, config.consolePort, config.host);
    await app.prepare();
    nextHandler = app.getRequestHandler();
  } catch (err) {
    httpServer.close();
    await admins.close();
    db.close();
    await engine.stop();
    releaseEngine(engine);
    throw err;
  }

  const { port } = httpServer.address() as AddressInfo;
  const consoleUrl = `http://${config.host}:${port}`;
  // Metrics history and alerts: sampled over the admin client like any cluster, evaluated after each sample.
  const monitoring = createMonitoring({ db, source: metricsSource, clusters: () => admins.list().map((c) => c.name), consoleBaseUrl: consoleUrl, sampleIntervalMs: config.sampleIntervalMs });
  monitoring.start();
  // A first sample right away, so charts and /metrics do not wait a whole interval after a start.
  monitoring.sampler.sampleOnce().catch((err: unknown) => console.error('metrics sampler:', err));
  return {
    engine,
    consoleUrl,
    async close() {
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      await monitoring.close();
      await app.close?.();
      await admins.close();
      db.close();
      await engine.stop();
      releaseEngine(engine);
    },
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.message;
      reject(new EngineStartError(`cannot listen on ${host}:${port} (console port): ${why}`, { cause: err }));
    });
    server.listen(port, host, () => resolve());
  });
}

/** The directory holding package.json, whether we run from server/ (tsx) or dist/server/ (compiled). */
function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    // commander already printed help/version/usage errors
    process.exit((err as { exitCode?: number }).exitCode ?? 1);
  }

  let running: RunningServer;
  try {
    running = await startServer(config);
  } catch (err) {
    if (err instanceof EngineStartError) fail(err.message);
    if (/Could not find a production build/.test((err as Error).message)) fail('the console is not built: run `npm run build` first');
    fail(`start-up failed: ${(err as Error).stack ?? String(err)}`);
  }

  const status = running.engine.status();
  const port = (name: string) => status.listeners.find((l) => l.name === name)?.port;
  console.log(
    `rocketdeck ${ROCKETDECK_VERSION}: console ${running.consoleUrl}, name server ${config.host}:${port('namesrv')}, ` +
      `broker ${config.host}:${port('broker')}, grpc ${config.host}:${port('grpc')}, data ${status.dataDir}`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`rocketdeck: ${signal}, shutting down`);
    setTimeout(() => {
      console.error('rocketdeck: shutdown took too long, exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('rocketdeck: error during shutdown', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function fail(message: string): never {
  console.error(`rocketdeck: ${message}`);
  process.exit(1);
}

if (require.main === module) void main();
