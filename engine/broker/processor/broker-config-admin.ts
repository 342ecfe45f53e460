/**
 * GET_BROKER_CONFIG (26) / UPDATE_BROKER_CONFIG (25): the broker config as Java properties text
 * (`key=value` lines), and runtime changes of a documented set of keys. Everything else is fixed
 * at start (identity, ports, intervals) and an update naming it is refused with the key's name.
 */
import { encodeJsonBody } from '../../remoting/protocol/json-body';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import { ResponseCode } from '../../remoting/response-code';
import type { BrokerConfig } from '../broker-config';
import type { BrokerContext } from '../broker-context';

/** Largest maxMessageSize an update may set, bytes (the frame limit bounds what can arrive anyway). */
export const maxMessageSizeMax = 64 * 1024 * 1024;
/** Longest shortPollingTimeMills an update may set, ms. */
const shortPollingTimeMax = 25_000;

/** Most messages an update may let one pull return. */
const maxTransferCountMax = 1_024;

type Changeable =
  | 'autoCreateTopicEnable' | 'autoCreateSubscriptionGroup' | 'maxMessageSize' | 'traceOn' | 'longPollingEnable' | 'shortPollingTimeMills' | 'maxTransferCountOnMessage'
  | 'rejectTransactionMessage' | 'transactionTimeOut' | 'transactionCheckMax' | 'transactionCheckInterval';

/** Transaction check bounds an update may set: ms (a day at most), and checks. */
const transactionTimeMsMax = 86_400_000;
const transactionCheckMaxMax = 1_000;

/** Keys UPDATE_BROKER_CONFIG accepts, and how each is parsed. */
export const RUNTIME_CHANGEABLE_KEYS: Readonly<Record<Changeable, 'bool' | { min: number; max: number }>> = {
  autoCreateTopicEnable: 'bool',
  autoCreateSubscriptionGroup: 'bool',
  traceOn: 'bool',
  longPollingEnable: 'bool',
  maxMessageSize: { min: 1024, max: maxMessageSizeMax },
  shortPollingTimeMills: { min: 0, max: shortPollingTimeMax },
  maxTransferCountOnMessage: { min: 1, max: maxTransferCountMax },
  rejectTransactionMessage: 'bool',
  transactionTimeOut: { min: 0, max: transactionTimeMsMax },
  transactionCheckMax: { min: 0, max: transactionCheckMaxMax },
  // Not below 100 ms: each round walks the half queue.
  transactionCheckInterval: { min: 100, max: transactionTimeMsMax },
};

/** Config DataVersion per broker (GET_BROKER_CONFIG's `version` header), bumped by every accepted update. */
const configVersions = new WeakMap<BrokerConfig, { counter: number; stateVersion: number; timestamp: number }>();

function versionOf(config: BrokerConfig): { counter: number; stateVersion: number; timestamp: number } {
  let v = configVersions.get(config);
  if (!v) {
    v = { counter: 0, stateVersion: 0, timestamp: Date.now() };
    configVersions.set(config, v);
  }
  return v;
}

export function brokerConfigProperties(config: BrokerConfig): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(config).sort(([a], [b]) => a.localeCompare(b))) {
    if (key === 'namesrvAddrs') lines.push(`namesrvAddr=${(value as string[]).join(';')}`);
    else lines.push(`${key}=${String(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function getBrokerConfig(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  // Apache answers broker, netty and store configs together; of the store's keys admin tools read the
  // delay levels (the console dates a scheduled message's delivery with them) and the timer settings.
  const s = ctx.store.config;
  const timer = `timerWheelEnable=${s.timerWheelEnable}\ntimerMaxDelaySec=${s.timerMaxDelaySec}\ntimerPrecisionMs=${s.timerPrecisionMs}\ntimerRollWindowSlot=${s.timerRollWindowSlot}\n`;
  const text = `${brokerConfigProperties(ctx.config)}messageDelayLevel=${s.messageDelayLevel}\n${timer}`;
  return createResponse(request, ResponseCode.SUCCESS, {
    header: { version: encodeJsonBody(versionOf(ctx.config)).toString('utf8') },
    body: Buffer.from(text, 'utf8'),
  });
}

/** Parses Java properties text: `key=value` / `key:value` lines, `#`/`!` comments. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const idx = line.search(/[=:]/);
    if (idx <= 0) continue;
    out.set(line.slice(0, idx).trim(), line.slice(idx + 1).trim());
  }
  return out;
}

export function updateBrokerConfig(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const invalid = (remark: string) => createResponse(request, ResponseCode.INVALID_PARAMETER, { remark });
  if (!request.body) return invalid('update broker config: the body (properties) is missing');
  const props = parseProperties(request.body.toString('utf8'));
  const changes: Array<[Changeable, boolean | number]> = [];
  for (const [key, text] of props) {
    if (!Object.hasOwn(RUNTIME_CHANGEABLE_KEYS, key)) {
      return invalid(`broker config ${key} cannot be changed at runtime (changeable: ${Object.keys(RUNTIME_CHANGEABLE_KEYS).join(', ')})`);
    }
    const rule = RUNTIME_CHANGEABLE_KEYS[key as Changeable];
    if (rule === 'bool') {
      if (text !== 'true' && text !== 'false') return invalid(`broker config ${key} must be true or false, got "${text}"`);
      changes.push([key as Changeable, text === 'true']);
    } else {
      const n = /^\d{1,12}$/.test(text) ? Number(text) : NaN;
      if (!(n >= rule.min && n <= rule.max)) return invalid(`broker config ${key} must be an integer in [${rule.min}, ${rule.max}], got "${text}"`);
      changes.push([key as Changeable, n]);
    }
  }
  for (const [key, value] of changes) applyChange(ctx, key, value);
  if (changes.length > 0) configVersions.set(ctx.config, { counter: versionOf(ctx.config).counter + 1, stateVersion: 0, timestamp: Date.now() });
  return createResponse(request, ResponseCode.SUCCESS);
}

function applyChange(ctx: BrokerContext, key: Changeable, value: boolean | number): void {
  const c = ctx.config;
  // Parsed per RUNTIME_CHANGEABLE_KEYS, so the value has the key's type.
  (c as unknown as Record<Changeable, boolean | number>)[key] = value;
  // Settings other services hold a copy of, or act on.
  if (key === 'autoCreateTopicEnable') ctx.topics.setAutoCreateTopicEnable(c.autoCreateTopicEnable);
  else if (key === 'autoCreateSubscriptionGroup') ctx.groups.setAutoCreate(c.autoCreateSubscriptionGroup);
  else if (key === 'traceOn') ctx.store.setUniqKeyAliasTopic(c.traceOn ? c.traceTopic : null);
  else if (key === 'transactionCheckInterval') ctx.transactionCheck?.reschedule();
}
