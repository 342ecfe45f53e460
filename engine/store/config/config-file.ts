/**
 * ConfigManager persistence for config/*.json: write `<name>.tmp`, fsync, keep the previous
 * version as `<name>.bak`, rename the temp file over `<name>`, fsync the directory. On load, a
 * missing, empty or unparseable main file falls back to the `.bak` copy (as RocketMQ does).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFastjson, toFastjson } from './fastjson';
import { syncDir } from '../mapped-file';

/** A config file that exists but neither it nor its `.bak` can be read: refusing to start beats starting empty. */
export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
}

export class ConfigFile {
  constructor(readonly filePath: string) {}

  /**
   * Parsed content of the file (or its .bak); null when neither exists (or both are empty). Throws
   * ConfigFileError when content exists but none of it parses, so a damaged file is never silently
   * replaced by an empty configuration.
   */
  load(): unknown {
    let damaged: { path: string; cause: unknown } | null = null;
    for (const p of [this.filePath, this.filePath + '.bak']) {
      let text: string;
      try {
        text = fs.readFileSync(p, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      if (text.trim() === '') continue;
      try {
        return parseFastjson(text);
      } catch (err) {
        damaged ??= { path: p, cause: err };
      }
    }
    if (damaged) throw new ConfigFileError(`${damaged.path} is not valid JSON and has no readable .bak`, { cause: damaged.cause });
    return null;
  }

  /** Atomically replace the file with `value` serialized fastjson-style. */
  persist(value: unknown): void {
    const dir = path.dirname(this.filePath);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = this.filePath + '.tmp';
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, toFastjson(value));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (fs.existsSync(this.filePath)) {
      fs.copyFileSync(this.filePath, this.filePath + '.bak');
      const bfd = fs.openSync(this.filePath + '.bak', 'r+');
      fs.fsyncSync(bfd);
      fs.closeSync(bfd);
    }
    fs.renameSync(tmp, this.filePath);
    syncDir(dir);
  }
}

/** DataVersion: bumped on every change. */
export interface DataVersion {
  counter: number;
  stateVersion: number;
  timestamp: number;
}

export function newDataVersion(): DataVersion {
  return { counter: 0, stateVersion: 0, timestamp: Date.now() };
}

export function nextDataVersion(v: DataVersion): void {
  v.counter++;
  v.timestamp = Date.now();
}

export function readDataVersion(raw: unknown): DataVersion {
  const o = (raw ?? {}) as Partial<DataVersion>;
  return { counter: Number(o.counter ?? 0), stateVersion: Number(o.stateVersion ?? 0), timestamp: Number(o.timestamp ?? Date.now()) };
}
