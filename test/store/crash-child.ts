/**
 * Crash-test child: appends forever (SYNC_FLUSH or ASYNC_FLUSH) and reports every acknowledged message on
 * stdout as `ack <id> <topic> <queueId> <queueOffset> <phy>`; the parent SIGKILLs it at random.
 * argv: dataDir seed idPrefix flushDiskType
 */
import { MessageStore } from '../../engine/store/message-store';
import { crashConfig, crashMessage, type FlushDiskType } from './crash-harness';

async function main(): Promise<void> {
  const [dir, seedArg, prefix, flushDiskType] = process.argv.slice(2) as [string, string, string, FlushDiskType];
  let seed = Number(seedArg);
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    return ((seed >>> 8) & 0xffffff) / 0x1000000;
  };
  const store = await MessageStore.open(dir, crashConfig(flushDiskType));
  process.stdout.write(`ready ${store.recovery.abnormal}\n`);
  let n = 0;
  const appender = async (): Promise<void> => {
    for (;;) {
      if (rnd() < 0.2) {
        const ids = [0, 1, 2].map(() => `${prefix}.${n++}`);
        const q = Math.floor(rnd() * 3);
        const r = await store.putMessages(ids.map((id) => crashMessage(id, q, rnd)));
        if (r.status !== 'PUT_OK') throw new Error(`batch ${r.status} ${r.remark ?? ''}`);
        const phys = r.appendResult!.msgId.split(',').map((m) => parseInt(m.slice(16), 16));
        process.stdout.write(ids.map((id, i) => `ack ${id} T${q % 2} ${q} ${r.appendResult!.logicsOffset + i} ${phys[i]}\n`).join(''));
      } else {
        const id = `${prefix}.${n++}`;
        const q = Math.floor(rnd() * 3);
        const r = await store.putMessage(crashMessage(id, q, rnd));
        if (r.status !== 'PUT_OK') throw new Error(`put ${r.status} ${r.remark ?? ''}`);
        process.stdout.write(`ack ${id} T${q % 2} ${q} ${r.appendResult!.logicsOffset} ${r.appendResult!.wroteOffset}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, appender));
}

main().catch((err) => {
  process.stderr.write(`child failed: ${(err as Error).stack}\n`);
  process.exit(2);
});
