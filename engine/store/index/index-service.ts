/**
 * IndexService: the list of IndexFiles (named by creation time, oldest first), key building and
 * queries. Keys are `topic#UNIQ_KEY` and `topic#k` for each space-separated k in KEYS, for every
 * record except ROLLBACK transactional ones; the hash is Java's String.hashCode of the key made
 * non-negative, computed straight from the record bytes.
 *
 * Fed by the dispatcher in CommitLog order. Re-dispatch is idempotent: records at or below the
 * newest file's endPhyOffset are skipped. On abnormal restart the writable file's slots are rebuilt
 * from its durable entries and the records after its endPhyOffset are re-dispatched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IndexFile } from './index-file';
import * as file_names_ from '../file-names';
import * as java_hash_ from '../../util/java-hash';
import * as message_properties_ from '../message-properties';
import { RecordInfo } from '../message-codec';
import * as message_codec_ from '../message-codec';
import * as message_layout_ from '../layout/message-layout';
import * as limits_ from '../limits';

// Hot path: imported bindings are copied to locals once (tsx/esbuild compiles each access
// of an imported binding to a getter call).
const { indexDir, indexFileName, indexFileNameToMs } = file_names_;
const { javaHashAscii, javaHashContinue, javaHashJoin, javaHashUtf8, javaStringHashCode } = java_hash_;
const { DISPATCH_PROP_KEYS, DISPATCH_PROP_UNIQ_KEY } = message_properties_;
const { transactionType } = message_codec_;
const { TRANSACTION_ROLLBACK_TYPE } = message_layout_;
const { queryCountMax } = limits_;

const HASH_SEPARATOR = 0x23; // '#'
const SPACE = 0x20;

/** abs(hashCode) as RocketMQ's IndexService.indexKeyHashMethod (MIN_VALUE → 0). */
export function indexKeyHash(key: string): number {
  return nonNegative(javaStringHashCode(key));
}

/** hash(prefix + key) for the key at buf[start, end), from the key's own hash when known. */
function keyHashUnder(prefixHash: number, keyHash: number | null, buf: Buffer, start: number, end: number): number {
  return keyHash !== null ? javaHashJoin(prefixHash, keyHash, end - start) : javaHashUtf8(prefixHash, buf, start, end);
}

function nonNegative(h: number): number {
  const a = Math.abs(h);
  return a > 0x7fffffff ? 0 : a;
}

export interface QueryOffsetResult {
  phyOffsets: number[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

export class IndexService {
  private readonly files: IndexFile[] = [];
  private readonly dir: string;
  /** Records at or below this offset are already indexed (-1: none). */
  private lastIndexedPhy = -1;
  /** `alias#` hashed (javaHash of the alias topic + '#'), or null: no alias entries. */
  private aliasPrefixHash: number | null = null;
  /** javaHash of the alias topic itself: records of that topic get no alias entry. */
  private aliasTopicHash = 0;
  /** Hash of the last record's topic (records of one topic usually come in runs). */
  private lastTopic = '';
  private lastTopicHash = 0;

  constructor(
    root: string,
    private readonly hashSlotNum: number,
    private readonly indexNum: number,
  ) {
    this.dir = indexDir(root);
  }

  /**
   * Also index every record's UNIQ_KEY under `topic#uniqKey` of this topic, whatever the record's
   * topic (null: stop). The broker's traces use it: a message is found by id alone, without
   * knowing its topic, next to the trace messages keyed by that id.
   */
  setUniqKeyAlias(topic: string | null): void {
    this.aliasPrefixHash = topic === null ? null : javaStringHashCode(`${topic}#`);
    this.aliasTopicHash = topic === null ? 0 : javaStringHashCode(topic);
  }

  /** Load files; after an abnormal exit the writable file's slots are rebuilt from entries. */
  load(lastExitOK: boolean): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const names = fs.readdirSync(this.dir).filter((n) => /^[0-9]{17}$/.test(n)).sort();
    for (let i = 0; i < names.length; i++) {
      const last = i === names.length - 1;
      this.files.push(IndexFile.open(path.join(this.dir, names[i] as string), this.hashSlotNum, this.indexNum, last, !lastExitOK));
    }
    const last = this.files[this.files.length - 1];
    if (last && (last.indexCount > 1 || this.files.length > 1)) this.lastIndexedPhy = last.endPhyOffset;
  }

  /** Offset from which records still need indexing (for recovery), or -1 if nothing is indexed. */
  getLastIndexedPhy(): number {
    return this.lastIndexedPhy;
  }

  getIndexMsgTimestamp(): number {
    return this.files[this.files.length - 1]?.endTimestamp ?? 0;
  }

  private writableFile(): IndexFile {
    let last = this.files[this.files.length - 1];
    if (last && last.isWritable() && !last.isFull()) return last;
    if (last && last.isWritable()) last.seal();
    // Files are ordered by name (their creation time) when loaded, so a new name must sort after every
    // existing one, even when files roll within one millisecond or the clock went back.
    const newestName = last ? path.basename(last.filePath) : '';
    let ms = Math.max(Date.now(), newestName === '' ? 0 : indexFileNameToMs(newestName) + 1);
    let name = indexFileName(ms);
    while (name <= newestName || fs.existsSync(path.join(this.dir, name))) name = indexFileName(++ms);
    const f = IndexFile.create(path.join(this.dir, name), this.hashSlotNum, this.indexNum, last);
    this.files.push(f);
    last = f;
    return last;
  }

  /** Index one dispatched record whose bytes are in `buf` (positions in `info`). */
  buildIndex(buf: Buffer, info: RecordInfo, phy: number): void {
    if (phy <= this.lastIndexedPhy) return;
    if (transactionType(info.sysFlag) === TRANSACTION_ROLLBACK_TYPE) return;
    this.lastIndexedPhy = phy;
    const p = info.props;
    if (info.topic !== this.lastTopic) {
      this.lastTopic = info.topic;
      this.lastTopicHash = javaStringHashCode(info.topic);
    }
    const rawTopicHash = this.lastTopicHash;
    const topicHash = (Math.imul(rawTopicHash, 31) + HASH_SEPARATOR) | 0;
    const us = p[2 * DISPATCH_PROP_UNIQ_KEY] as number;
    if (us >= 0) {
      const ue = p[2 * DISPATCH_PROP_UNIQ_KEY + 1] as number;
      const alias = this.aliasPrefixHash;
      const twoTopics = alias !== null && rawTopicHash !== this.aliasTopicHash;
      // Indexed under two topics: the key is hashed once and joined to each prefix.
      const keyHash = twoTopics ? javaHashAscii(buf, us, ue) : null;
      this.putKey(nonNegative(keyHashUnder(topicHash, keyHash, buf, us, ue)), phy, info.storeTimestamp);
      if (twoTopics) this.putKey(nonNegative(keyHashUnder(alias, keyHash, buf, us, ue)), phy, info.storeTimestamp);
    }
    const ks = p[2 * DISPATCH_PROP_KEYS] as number;
    if (ks >= 0) {
      const end = p[2 * DISPATCH_PROP_KEYS + 1] as number;
      let s = ks;
      while (s < end) {
        let e = s;
        while (e < end && buf[e] !== SPACE) e++;
        if (e > s) this.putKey(nonNegative(javaHashUtf8(topicHash, buf, s, e)), phy, info.storeTimestamp);
        s = e + 1;
      }
    }
  }

  private putKey(hash: number, phy: number, storeTimestamp: number): void {
    if (!this.writableFile().putKey(hash, phy, storeTimestamp)) {
      this.writableFile().putKey(hash, phy, storeTimestamp);
    }
  }

  /** IndexService.queryOffset: newest first, at most min(maxNum, 64) offsets. */
  queryOffset(topic: string, key: string, maxNum: number, begin: number, end: number): QueryOffsetResult {
    const limit = Math.max(0, Math.min(maxNum, queryCountMax));
    const hash = nonNegative(javaHashContinue(javaStringHashCode(topic + '#'), key));
    const out: number[] = [];
    const newest = this.files[this.files.length - 1];
    for (let i = this.files.length - 1; i >= 0 && out.length < limit; i--) {
      const f = this.files[i] as IndexFile;
      if (f.isTimeMatched(begin, end)) f.selectPhyOffsets(out, hash, limit, begin, end);
      if (f.beginTimestamp < begin) break;
    }
    return {
      phyOffsets: [...new Set(out)],
      indexLastUpdateTimestamp: newest?.endTimestamp ?? 0,
      indexLastUpdatePhyoffset: newest?.endPhyOffset ?? 0,
    };
  }

  /** flush() with the fdatasyncs off the event loop; resolves to the endTimestamp it made durable. */
  async flushAsync(): Promise<number> {
    const last = this.files[this.files.length - 1];
    if (!last) return 0;
    const ts = last.endTimestamp;
    if (last.isWritable()) await last.flushAsync();
    return ts;
  }

  /** Make the writable file durable; returns the endTimestamp now covered (checkpoint indexMsgTimestamp). */
  flush(): number {
    const last = this.files[this.files.length - 1];
    if (last && last.isWritable()) last.flush();
    return last?.endTimestamp ?? 0;
  }

  /** Delete old files whose every entry points below the CommitLog's new minimum (never the newest). */
  deleteExpiredFiles(phyMin: number): number {
    let n = 0;
    while (this.files.length > 1 && (this.files[0] as IndexFile).endPhyOffset < phyMin) {
      (this.files.shift() as IndexFile).destroy();
      n++;
    }
    return n;
  }

  /** Forget entries for CommitLog bytes at or after `phyEnd` (the log was truncated there). */
  truncateFrom(phyEnd: number): void {
    while (this.files.length > 0) {
      const last = this.files[this.files.length - 1] as IndexFile;
      if (last.endPhyOffset < phyEnd) break;
      if (last.beginPhyOffset >= phyEnd && this.files.length > 1) {
        last.destroy();
        this.files.pop();
        const prev = this.files[this.files.length - 1] as IndexFile;
        this.files[this.files.length - 1] = IndexFile.open(prev.filePath, this.hashSlotNum, this.indexNum, true, true);
        prev.close();
        continue;
      }
      last.truncateFrom(phyEnd);
      break;
    }
    const last = this.files[this.files.length - 1];
    this.lastIndexedPhy = last && (last.indexCount > 1 || this.files.length > 1) ? last.endPhyOffset : -1;
  }

  /** Drop every index file (the CommitLog they describe is gone). */
  destroyAll(): void {
    for (const f of this.files) f.destroy();
    this.files.length = 0;
    this.lastIndexedPhy = -1;
  }

  close(): void {
    for (const f of this.files) f.close();
  }
}
