/** An in-process engine on ephemeral ports and a temp data dir, for integration tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrokerEngine, type EngineConfig } from '../../engine';

export interface EngineFixture {
  engine: BrokerEngine;
  nameSrv: string;
  brokerAddr: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startEngine(overrides: Partial<EngineConfig> = {}): Promise<EngineFixture> {
  const dataDir = overrides.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rd-engine-it-'));
  const engine = new BrokerEngine({ host: '127.0.0.1', namesrvPort: 0, brokerPort: 0, ...overrides, dataDir });
  await engine.start();
  const port = (name: string) => engine.status().listeners.find((l) => l.name === name)?.port;
  return {
    engine,
    nameSrv: `127.0.0.1:${port('namesrv')}`,
    brokerAddr: `127.0.0.1:${port('broker')}`,
    dataDir,
    async close() {
      await engine.stop();
      if (!overrides.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
