/**
 * Process configuration: command-line flags, then ROCKETDECK_* environment variables, then defaults.
 * The defaults need nothing installed: data in ./data, everything bound to 127.0.0.1, RocketMQ's ports.
 */
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';

const port = z.coerce.number({ error: 'must be a port number (0-65535)' }).int('must be a port number (0-65535)').min(0, 'must be a port number (0-65535)').max(65535, 'must be a port number (0-65535)');

export const ServerConfigSchema = z.object({
  dataDir: z.string().min(1),
  host: z.string().min(1),
  consolePort: port,
  namesrvPort: port,
  brokerPort: port,
  grpcPort: port,
  autoCreateTopic: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true'),
  defaultRouteForUnknownTopics: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true'),
  flushDiskType: z.enum(['ASYNC_FLUSH', 'SYNC_FLUSH'], { error: 'must be ASYNC_FLUSH or SYNC_FLUSH' }),
  sampleIntervalMs: z.coerce
    .number({ error: 'must be a number of milliseconds (1000-300000)' })
    .int('must be a whole number of milliseconds')
    .min(1_000, 'must be at least 1000 ms')
    .max(300_000, 'must be at most 300000 ms'),
  timerMaxDelaySec: z.coerce
    .number({ error: 'must be a number of seconds (1-31536000)' })
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1 s')
    .max(365 * 24 * 3600, 'must be at most 31536000 s (a year)'),
  dev: z.boolean(),
});
export type ServerConfig = z.infer<typeof ServerConfigSchema>;

export const DEFAULTS = {
  dataDir: './data',
  host: '127.0.0.1',
  consolePort: 8080,
  namesrvPort: 9876,
  brokerPort: 10911,
  grpcPort: 8081,
  autoCreateTopic: 'true',
  defaultRouteForUnknownTopics: 'false',
  flushDiskType: 'ASYNC_FLUSH',
  sampleIntervalMs: 10_000,
  timerMaxDelaySec: 3 * 24 * 3600,
} as const;

/** One row per setting: the flag, its environment variable, and what it means (also used for --help). */
const OPTIONS = [
  { key: 'dataDir', flag: '--data-dir <dir>', env: 'ROCKETDECK_DATA_DIR', help: 'data directory (store, configs, console database)' },
  { key: 'host', flag: '--host <address>', env: 'ROCKETDECK_HOST', help: 'address every listener binds' },
  { key: 'consolePort', flag: '--console-port <port>', env: 'ROCKETDECK_CONSOLE_PORT', help: 'web console and /api/trpc' },
  { key: 'namesrvPort', flag: '--namesrv-port <port>', env: 'ROCKETDECK_NAMESRV_PORT', help: 'RocketMQ name server' },
  { key: 'brokerPort', flag: '--broker-port <port>', env: 'ROCKETDECK_BROKER_PORT', help: 'RocketMQ broker' },
  { key: 'grpcPort', flag: '--grpc-port <port>', env: 'ROCKETDECK_GRPC_PORT', help: 'RocketMQ 5 gRPC endpoint (5.x clients)' },
  {
    key: 'flushDiskType',
    flag: '--flush-disk-type <type>',
    env: 'ROCKETDECK_FLUSH_DISK_TYPE',
    help: 'ASYNC_FLUSH (ack once written, flushed periodically) or SYNC_FLUSH (ack once fsynced, group commit)',
  },
  {
    key: 'autoCreateTopic',
    flag: '--auto-create-topic <true|false>',
    env: 'ROCKETDECK_AUTO_CREATE_TOPIC',
    help: 'the broker creates unknown topics on a first send naming TBW102 (RocketMQ autoCreateTopicEnable)',
  },
  {
    key: 'defaultRouteForUnknownTopics',
    flag: '--default-route-for-unknown-topics <true|false>',
    env: 'ROCKETDECK_DEFAULT_ROUTE_FOR_UNKNOWN_TOPICS',
    help: 'the name server answers unknown topics with the TBW102 route, so clients without that fallback (ali-ons) can create topics by sending',
  },
  { key: 'sampleIntervalMs', flag: '--sample-interval-ms <ms>', env: 'ROCKETDECK_SAMPLE_INTERVAL_MS', help: 'how often metrics are sampled and alert rules evaluated' },
  { key: 'timerMaxDelaySec', flag: '--timer-max-delay-sec <s>', env: 'ROCKETDECK_TIMER_MAX_DELAY_SEC', help: 'longest delay a timer message may ask for (RocketMQ timerMaxDelaySec)' },
] as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Environment variables as read here (Next's ambient types make NodeJS.ProcessEnv demand NODE_ENV). */
export type Env = Readonly<Record<string, string | undefined>>;

export function parseConfig(argv: readonly string[], env: Env = process.env): ServerConfig {
  const program = new Command('rocketdeck')
    .description('RocketMQ-compatible broker and web console in one process')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const o of OPTIONS) {
    program.option(o.flag, `${o.help} (env ${o.env}, default ${DEFAULTS[o.key]})`, noEmpty);
  }
  program.option('--dev', 'serve the console with Next.js in development mode (env NEXT_DEV=1)');
  program.parse([...argv], { from: 'user' });
  const flags = program.opts<Record<string, string | boolean | undefined>>();

  const raw: Record<string, unknown> = { dev: flags.dev === true || env.NEXT_DEV === '1' };
  for (const o of OPTIONS) raw[o.key] = flags[o.key] ?? env[o.env] ?? DEFAULTS[o.key];
  const parsed = ServerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = OPTIONS.find((o) => o.key === issue?.path[0]);
    const value = option ? String(raw[option.key]) : '';
    throw new ConfigError(`invalid ${option ? `${option.flag.split(' ')[0]} / ${option.env}` : 'setting'} "${value}": ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function noEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return value;
}
