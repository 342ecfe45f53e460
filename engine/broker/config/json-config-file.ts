/**
 * A broker config file (`config/topics.json` and friends) written the crash-safe way: the new content
 * goes to `<file>.tmp`, is fsynced, the current file is kept as `<file>.bak`, then the temp file is
 * renamed over the original and the directory fsynced. Loading falls back to the `.bak` when the
 * main file is missing or unreadable (a crash between the two renames, or a torn write by another tool).
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeJsonBody } from '../../remoting/protocol/json-body';

export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
}

export class JsonConfigFile {
  constructor(readonly filePath: string) {}

  /** The parsed content, or undefined when neither the file nor its backup exists. */
  load(): unknown {
    const main = readIfExists(this.filePath);
    if (main !== undefined) {
      try {
        return decodeJsonBody(main);
      } catch (err) {
        const bak = readIfExists(`${this.filePath}.bak`);
        if (bak === undefined) throw new ConfigFileError(`${this.filePath} is not valid JSON and has no .bak`, { cause: err });
        return decodeJsonBody(bak);
      }
    }
    const bak = readIfExists(`${this.filePath}.bak`);
    return bak === undefined ? undefined : decodeJsonBody(bak);
  }

  save(value: unknown): void {
    const dir = path.dirname(this.filePath);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${this.filePath}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, `${JSON.stringify(value, null, '\t')}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (fs.existsSync(this.filePath)) fs.copyFileSync(this.filePath, `${this.filePath}.bak`);
    fs.renameSync(tmp, this.filePath);
    fsyncDir(dir);
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
