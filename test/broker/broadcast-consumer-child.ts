/**
 * A separate process with one real ali-ons consumer in BROADCASTING mode (`isBroadcast: true`, ali-ons'
 * name for messageModel BROADCASTING), for broadcast.test.ts. Argv: name server, group, topic.
 * Prints `ready` once subscribed, one `msg <body>` line per delivery, and exits on SIGTERM after
 * closing the consumer.
 */
import { createConsumer } from '../support/ali-ons';

async function main(): Promise<void> {
  const [nameSrv, group, topic] = process.argv.slice(2);
  if (!nameSrv || !group || !topic) throw new Error('usage: broadcast-consumer-child <nameSrv> <group> <topic>');
  const consumer = await createConsumer(nameSrv, group, { isBroadcast: true });
  consumer.subscribe(topic, '*', async (msg) => {
    process.stdout.write(`msg ${msg.body.toString()}\n`);
  });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void consumer.close().finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
