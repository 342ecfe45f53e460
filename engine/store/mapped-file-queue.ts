/**
 * MappedFileQueue: the ordered segments of one logical stream. File k covers
 * [k·fileSize, (k+1)·fileSize); the name is the start offset. On load every file must have the
 * configured size (an empty last file is removed, like RocketMQ). Recovery then truncates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isOffsetFileName } from './file-names';
import { MappedFile, syncDir } from './mapped-file';
import { CorruptSegmentError } from './errors';
import { assert } from '../util/assert';

export class MappedFileQueue {
  readonly files: MappedFile[] = [];

  /** Files created since the last `syncCreated()` (their directory entries are not yet durable). */
  private createdSinceSync = false;

  constructor(
    readonly dir: string,
    readonly fileSize: number,
    /** Fsync new files and their directory entry at creation (else at `syncCreated`). */
    private readonly durableCreate = true,
  ) {}

  load(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const names = fs.readdirSync(this.dir).filter(isOffsetFileName).sort();
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const filePath = path.join(this.dir, name);
      const from = Number(name);
      if (i === names.length - 1 && fs.statSync(filePath).size === 0) {
        fs.rmSync(filePath);
        continue;
      }
      if (from % this.fileSize !== 0) throw new CorruptSegmentError(filePath, 0, `name is not a multiple of the file size ${this.fileSize}`);
      const prev = this.files[this.files.length - 1];
      if (prev && prev.fileFromOffset + this.fileSize !== from) {
        throw new CorruptSegmentError(filePath, 0, `segment gap: previous file ends at ${prev.fileFromOffset + this.fileSize}`);
      }
      this.files.push(MappedFile.open(filePath, from, this.fileSize));
    }
  }

  isEmpty(): boolean {
    return this.files.length === 0;
  }

  first(): MappedFile | undefined {
    return this.files[0];
  }

  last(): MappedFile | undefined {
    return this.files[this.files.length - 1];
  }

  minOffset(): number {
    return this.files[0]?.fileFromOffset ?? 0;
  }

  /** The file holding `offset`, or undefined if it is outside the stored range. */
  findFile(offset: number): MappedFile | undefined {
    const first = this.files[0];
    if (!first || offset < first.fileFromOffset) return undefined;
    return this.files[Math.floor((offset - first.fileFromOffset) / this.fileSize)];
  }

  /** The file holding `offset`, creating it (and only it) if it is the next one. */
  getOrCreateFile(offset: number): MappedFile {
    const found = this.findFile(offset);
    if (found) return found;
    const from = offset - (offset % this.fileSize);
    const last = this.last();
    assert(!last || from === last.fileFromOffset + this.fileSize, `segment for ${offset} is not next after ${last?.fileFromOffset}`);
    if (this.files.length === 0) fs.mkdirSync(this.dir, { recursive: true });
    const f = MappedFile.create(this.dir, from, this.fileSize, this.durableCreate);
    if (!this.durableCreate) this.createdSinceSync = true;
    this.files.push(f);
    return f;
  }

  /** Drop everything at or after `offset`: later files are deleted, the tail of its file zeroed. */
  truncateDirty(offset: number): void {
    while (this.files.length > 0) {
      const last = this.files[this.files.length - 1] as MappedFile;
      if (last.fileFromOffset > offset) {
        last.destroy();
        this.files.pop();
        continue;
      }
      if (offset < last.fileFromOffset + this.fileSize) last.zeroFrom(offset - last.fileFromOffset);
      break;
    }
  }

  /** Make directory entries of files created since the last call durable. */
  syncCreated(): void {
    if (!this.createdSinceSync) return;
    syncDir(this.dir);
    this.createdSinceSync = false;
  }

  /** Delete the first file (retention). */
  deleteFirst(): MappedFile | undefined {
    const f = this.files.shift();
    f?.destroy();
    return f;
  }

  /** Read [offset, offset+len) possibly spanning files; returns bytes read. */
  read(offset: number, buf: Buffer, off: number, len: number): number {
    let done = 0;
    while (done < len) {
      const f = this.findFile(offset + done);
      if (!f) break;
      const pos = offset + done - f.fileFromOffset;
      const n = f.read(buf, off + done, Math.min(len - done, this.fileSize - pos), pos);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  close(): void {
    for (const f of this.files) f.close();
  }

  destroyAll(): void {
    for (const f of this.files) f.destroy();
    this.files.length = 0;
  }
}
