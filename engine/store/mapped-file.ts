/**
 * MappedFile: one fixed-size segment of a logical byte stream (CommitLog, ConsumeQueue), named by
 * the absolute offset of its first byte. RocketMQ maps these files; Node has no mmap, so this
 * class does positional reads/writes on a file descriptor — the page cache plays the role of the
 * mapping. Files are preallocated to full size with ftruncate (sparse, zero-filled) so a Java
 * broker sees the sizes it expects; a zero tail reads as "no record here".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { offsetToFileName } from './file-names';
import { CorruptSegmentError } from './errors';
import { fail } from '../util/assert';

export class MappedFile {
  /** Positional writes issued to the thread pool and not yet completed. */
  private writesInFlight = 0;
  /** close() was asked while writes were in flight: the fd closes when the last one completes. */
  private closeDeferred = false;

  private constructor(
    readonly filePath: string,
    readonly fileFromOffset: number,
    readonly fileSize: number,
    readonly fd: number,
  ) {}

  /** Create a preallocated file; `durable` fsyncs it and its directory entry now (CommitLog). */
  static create(dir: string, fileFromOffset: number, fileSize: number, durable = true): MappedFile {
    const filePath = path.join(dir, offsetToFileName(fileFromOffset));
    const fd = fs.openSync(filePath, 'wx+');
    fs.ftruncateSync(fd, fileSize);
    if (durable) {
      fs.fsyncSync(fd);
      syncDir(dir);
    }
    return new MappedFile(filePath, fileFromOffset, fileSize, fd);
  }

  static open(filePath: string, fileFromOffset: number, fileSize: number): MappedFile {
    const fd = fs.openSync(filePath, 'r+');
    const actual = fs.fstatSync(fd).size;
    if (actual !== fileSize) {
      fs.closeSync(fd);
      throw new CorruptSegmentError(filePath, 0, `file length ${actual} differs from the configured ${fileSize}`);
    }
    return new MappedFile(filePath, fileFromOffset, fileSize, fd);
  }

  /** Write buf[off, off+len) at position `pos` within this file; all or throw. */
  write(buf: Buffer, off: number, len: number, pos: number): void {
    if (pos < 0 || pos + len > this.fileSize) fail(`write [${pos}, ${pos + len}) outside ${this.filePath}`);
    let done = 0;
    while (done < len) done += fs.writeSync(this.fd, buf, off + done, len - done, pos + done);
  }

  /**
   * Write buf[off, off+len) at `pos` on the thread pool (the copy into the page cache leaves the
   * event loop); `done` gets null once every byte is written. The fd stays open until then.
   */
  writeAsync(buf: Buffer, off: number, len: number, pos: number, done: (err: Error | null) => void): void {
    if (pos < 0 || pos + len > this.fileSize) fail(`write [${pos}, ${pos + len}) outside ${this.filePath}`);
    this.writesInFlight++;
    const step = (written: number): void => {
      fs.write(this.fd, buf, off + written, len - written, pos + written, (err, n) => {
        if (!err && n === 0) err = Object.assign(new Error(`write at ${pos + written} of ${this.filePath} wrote nothing`), { code: 'EIO' });
        if (!err && written + n < len) return step(written + n);
        if (--this.writesInFlight === 0 && this.closeDeferred) this.closeNow();
        done(err);
      });
    };
    step(0);
  }

  /** Read up to len bytes at `pos` into buf[off]; returns bytes read (short only at end of file). */
  read(buf: Buffer, off: number, len: number, pos: number): number {
    const max = Math.min(len, this.fileSize - pos);
    let done = 0;
    while (done < max) {
      const n = fs.readSync(this.fd, buf, off + done, max - done, pos + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  /** Zero [pos, fileSize) by punching the tail: truncate to pos then back to full size. */
  zeroFrom(pos: number): void {
    fs.ftruncateSync(this.fd, pos);
    fs.ftruncateSync(this.fd, this.fileSize);
  }

  /** Closes the fd — after in-flight writes complete, so a reused fd number never receives them. */
  close(): void {
    if (this.writesInFlight > 0) this.closeDeferred = true;
    else this.closeNow();
  }

  private closeNow(): void {
    this.closeDeferred = false;
    fs.closeSync(this.fd);
  }

  destroy(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    fs.rmSync(this.filePath, { force: true });
  }

  lastModifiedMs(): number {
    return fs.fstatSync(this.fd).mtimeMs;
  }
}

export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
