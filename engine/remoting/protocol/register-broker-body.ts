/**
 * RegisterBrokerBody decoding (`RegisterBrokerBody.decode`): the plain JSON form every broker
 * sends by default, and the zlib-compressed binary form brokers send with `compressedRegister`:
 *
 *   zlib( i32 len + DataVersion JSON
 *       | i32 topicCount, then per topic: i32 len + TopicConfig.encode() text
 *       | i32 len + filterServerList JSON
 *       | (5.x brokers) i32 mappingCount + per mapping i32 len + JSON )   — ignored here
 *
 * TopicConfig.encode() = "topicName readQueueNums writeQueueNums perm topicFilterType [attributesJSON]".
 */
import { inflateSync } from 'node:zlib';
import { decodeJsonBody, JsonBodyError } from './json-body';
import type { DataVersion, RegisterBrokerBody, TopicConfig, TopicConfigSerializeWrapper, TopicFilterType } from './route-data';

/** Inflated register bodies larger than this are refused (bounds a zip bomb). */
const INFLATED_BYTES_MAX = 64 * 1024 * 1024;
/** Topics per registration accepted (RocketMQ clusters run up to ~tens of thousands). */
const TOPICS_PER_REGISTRATION_MAX = 1_000_000;

export class RegisterBodyError extends Error {
  override readonly name = 'RegisterBodyError';
}

export function decodeRegisterBrokerBody(body: Buffer | undefined, compressed: boolean): RegisterBrokerBody {
  const empty: RegisterBrokerBody = {
    topicConfigSerializeWrapper: { dataVersion: { counter: 0, timestamp: 0 }, topicConfigTable: {} },
    filterServerList: [],
  };
  if (!body || body.length === 0) return empty;
  try {
    return compressed ? decodeCompressed(body) : decodePlain(body);
  } catch (err) {
    if (err instanceof RegisterBodyError) throw err;
    throw new RegisterBodyError(`bad register body: ${(err as Error).message}`, { cause: err });
  }
}

function decodePlain(body: Buffer): RegisterBrokerBody {
  const raw = decodeJsonBody(body) as Record<string, unknown> | null;
  if (!raw || typeof raw !== 'object') throw new RegisterBodyError('register body is not an object');
  const wrapperRaw = (raw.topicConfigSerializeWrapper ?? {}) as Record<string, unknown>;
  const tableRaw = (wrapperRaw.topicConfigTable ?? {}) as Record<string, unknown>;
  const table = Object.create(null) as Record<string, TopicConfig>;
  for (const name of Object.keys(tableRaw)) table[name] = normalizeTopicConfig(name, tableRaw[name]);
  const wrapper: TopicConfigSerializeWrapper = {
    dataVersion: normalizeDataVersion(wrapperRaw.dataVersion),
    topicConfigTable: table,
  };
  const filters = Array.isArray(raw.filterServerList) ? raw.filterServerList.map(String) : [];
  return { topicConfigSerializeWrapper: wrapper, filterServerList: filters };
}

function normalizeDataVersion(v: unknown): DataVersion {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const dv: DataVersion = { counter: Number(o.counter ?? 0), timestamp: Number(o.timestamp ?? 0) };
  if (o.stateVersion !== undefined) dv.stateVersion = Number(o.stateVersion);
  return dv;
}

function normalizeTopicConfig(name: string, v: unknown): TopicConfig {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const tc: TopicConfig = {
    topicName: typeof o.topicName === 'string' ? o.topicName : name,
    readQueueNums: Number(o.readQueueNums ?? 16),
    writeQueueNums: Number(o.writeQueueNums ?? 16),
    perm: Number(o.perm ?? 6),
    topicFilterType: o.topicFilterType === 'MULTI_TAG' ? 'MULTI_TAG' : 'SINGLE_TAG',
    topicSysFlag: Number(o.topicSysFlag ?? 0),
    order: o.order === true || o.order === 'true',
  };
  if (o.attributes && typeof o.attributes === 'object') {
    const attrs = Object.create(null) as Record<string, string>;
    for (const [k, val] of Object.entries(o.attributes as Record<string, unknown>)) attrs[k] = String(val);
    tc.attributes = attrs;
  }
  return tc;
}

function decodeCompressed(body: Buffer): RegisterBrokerBody {
  const buf = inflateSync(body, { maxOutputLength: INFLATED_BYTES_MAX });
  let pos = 0;
  const readInt = (): number => {
    if (pos + 4 > buf.length) throw new RegisterBodyError('truncated compressed register body');
    const n = buf.readInt32BE(pos);
    pos += 4;
    return n;
  };
  const readText = (): string => {
    const len = readInt();
    if (len < 0 || pos + len > buf.length) throw new RegisterBodyError('bad length in compressed register body');
    const s = buf.toString('utf8', pos, pos + len);
    pos += len;
    return s;
  };
  const dataVersion = normalizeDataVersion(decodeJsonBody(readText()));
  const count = readInt();
  if (count < 0 || count > TOPICS_PER_REGISTRATION_MAX) throw new RegisterBodyError(`bad topic count ${count}`);
  const table = Object.create(null) as Record<string, TopicConfig>;
  for (let i = 0; i < count; i++) {
    const tc = decodeTopicConfigText(readText());
    table[tc.topicName] = tc;
  }
  const filterText = readText();
  const filters = filterText ? (decodeJsonBody(filterText) as unknown[]) : [];
  return {
    topicConfigSerializeWrapper: { dataVersion, topicConfigTable: table },
    filterServerList: Array.isArray(filters) ? filters.map(String) : [],
  };
}

/** `TopicConfig.decode`: space separated; topicSysFlag and order are not part of this form. */
export function decodeTopicConfigText(text: string): TopicConfig {
  const parts = text.split(' ');
  if (parts.length < 5) throw new RegisterBodyError(`bad topic config "${text.slice(0, 80)}"`);
  const tc: TopicConfig = {
    topicName: parts[0]!,
    readQueueNums: Number(parts[1]),
    writeQueueNums: Number(parts[2]),
    perm: Number(parts[3]),
    topicFilterType: (parts[4] === 'MULTI_TAG' ? 'MULTI_TAG' : 'SINGLE_TAG') as TopicFilterType,
    topicSysFlag: 0,
    order: false,
  };
  if (parts.length > 5) {
    try {
      const attrs = decodeJsonBody(parts.slice(5).join(' ')) as Record<string, unknown>;
      tc.attributes = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, String(v)]));
    } catch (err) {
      if (!(err instanceof JsonBodyError)) throw err;
    }
  }
  return tc;
}
