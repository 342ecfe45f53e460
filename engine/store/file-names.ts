/**
 * Directory layout and file names, matching RocketMQ's (StorePathConfigHelper, UtilAll.offset2FileName)
 * so an operator recognises a RocketDeck data dir:
 *
 *   <root>/commitlog/<20-digit start offset>
 *   <root>/consumequeue/<topic>/<queueId>/<20-digit start byte offset>
 *   <root>/index/<yyyyMMddHHmmssSSS>
 *   <root>/checkpoint, <root>/abort, <root>/lock, <root>/config/*.json
 *   <root>/timerwheel, <root>/timerlog/<20-digit start offset>, <root>/config/timercheck (timer messages)
 */
import * as path from 'node:path';

export const FILE_NAME_DIGITS = 20;

export function offsetToFileName(offset: number): string {
  return String(offset).padStart(FILE_NAME_DIGITS, '0');
}

export function isOffsetFileName(name: string): boolean {
  return name.length === FILE_NAME_DIGITS && /^[0-9]+$/.test(name);
}

export function timerWheelPath(root: string): string {
  return path.join(root, 'timerwheel');
}
export function timerLogDir(root: string): string {
  return path.join(root, 'timerlog');
}
export function timerCheckPath(root: string): string {
  return path.join(root, 'config', 'timercheck');
}

export function commitLogDir(root: string): string {
  return path.join(root, 'commitlog');
}
export function consumeQueueRootDir(root: string): string {
  return path.join(root, 'consumequeue');
}
export function consumeQueueDir(root: string, topic: string, queueId: number): string {
  return path.join(root, 'consumequeue', topic, String(queueId));
}
export function indexDir(root: string): string {
  return path.join(root, 'index');
}
export function checkpointPath(root: string): string {
  return path.join(root, 'checkpoint');
}
export function abortPath(root: string): string {
  return path.join(root, 'abort');
}
export function lockPath(root: string): string {
  return path.join(root, 'lock');
}
export function configDir(root: string): string {
  return path.join(root, 'config');
}

/** IndexFile name: creation time as yyyyMMddHHmmssSSS in local time (UtilAll.timeMillisToHumanString). */
/** The local time an index file name (yyyyMMddHHmmssSSS) stands for, ms. */
export function indexFileNameToMs(name: string): number {
  const n = (from: number, to: number) => Number(name.slice(from, to));
  return new Date(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), n(12, 14), n(14, 17)).getTime();
}

export function indexFileName(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  return (
    p(d.getFullYear(), 4) + p(d.getMonth() + 1, 2) + p(d.getDate(), 2) +
    p(d.getHours(), 2) + p(d.getMinutes(), 2) + p(d.getSeconds(), 2) + p(d.getMilliseconds(), 3)
  );
}
