import { createConsumer, createProducer, message, sendAll } from '../test/support/ali-ons';
import { e2ePorts, expect, test } from './fixtures';
import { GroupDetailPage } from './pages/groups-page';

// Which client holds a queue is not something every broker and client can tell (ali-ons does not answer
// GET_CONSUMER_RUNNING_INFO), so the table has no "Client" column rather than one that is always "—".
test('lag per queue of a group with one online consumer shows only columns the broker fills', async ({ page }, testInfo) => {
  const nameSrv = `127.0.0.1:${e2ePorts.namesrv}`;
  const topic = `e2e-queues-${Date.now()}`;
  const group = `e2e-queues-group-${Date.now()}`;
  const producer = await createProducer(nameSrv, `${group}-pg`);
  const consumer = await createConsumer(nameSrv, group);
  const detail = new GroupDetailPage(page);
  try {
    let consumed = 0;
    consumer.subscribe(topic, '*', async () => {
      consumed += 1;
    });
    await sendAll(producer, Array.from({ length: 8 }, (_, i) => message(topic, 'T', `m${i}`)));
    await expect.poll(() => consumed, { timeout: 20_000 }).toBeGreaterThanOrEqual(8);

    await test.step('the queue table lists every queue with offsets and no empty client column', async () => {
      await detail.open(group);
      await expect(page.getByTestId('group-online-clients')).toHaveText('1', { timeout: 15_000 });
      const table = page.getByTestId('group-queues');
      await expect(table.locator('tbody tr').filter({ hasText: topic }).first()).toBeVisible({ timeout: 15_000 });
      await expect(table.locator('thead th')).toHaveText(['Topic', 'Broker', 'Queue', 'Broker offset', 'Consumer offset', 'Lag', 'In flight', 'Last consumed']);
      await expect(table.getByRole('columnheader', { name: 'Client' })).toHaveCount(0);
      await page.screenshot({ path: testInfo.outputPath('group-queues.png'), fullPage: true });
    });
  } finally {
    await consumer.close();
    await producer.close();
  }
});
