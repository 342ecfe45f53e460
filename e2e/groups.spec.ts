import { createConsumer, createProducer, message, sendAll } from '../test/support/ali-ons';
import { e2ePorts, expect, test } from './fixtures';
import { GroupDetailPage } from './pages/groups-page';

test("a real ali-ons consumer's lag goes to zero; a reset to earliest brings it back", async ({ page }, testInfo) => {
  const nameSrv = `127.0.0.1:${e2ePorts.namesrv}`;
  const topic = `e2e-lag-${Date.now()}`;
  const group = `e2e-group-${Date.now()}`;
  const producer = await createProducer(nameSrv, `${group}-pg`);
  const detail = new GroupDetailPage(page);
  try {
    await sendAll(producer, Array.from({ length: 20 }, (_, i) => message(topic, 'T', `m${i}`, [`k${i}`])));
    let consumed = 0;
    const consumer = await createConsumer(nameSrv, group);
    consumer.subscribe(topic, '*', async () => {
      consumed += 1;
    });

    await test.step('the group consumes everything and its lag shows 0', async () => {
      await expect.poll(() => consumed, { timeout: 20_000 }).toBeGreaterThanOrEqual(20);
      await detail.open(group);
      await expect(detail.totalLag()).toHaveText('0', { timeout: 15_000 });
      await expect(page.getByTestId('group-online-clients')).toHaveText('1');
      await page.screenshot({ path: testInfo.outputPath('group-lag-zero.png'), fullPage: true });
    });

    await test.step('stop the consumer, reset to earliest with a preview, and the lag comes back', async () => {
      await consumer.close();
      await expect(page.getByTestId('group-online-clients')).toHaveText('0', { timeout: 15_000 });
      const panel = await detail.resetToEarliest(topic);
      await expect(panel.getByTestId('reset-summary')).toContainText('20 messages will be consumed again, 0 skipped');
      await panel.getByRole('button', { name: 'Apply reset' }).click();
      await expect(page.getByTestId('toast').filter({ hasText: `Offsets of ${group} on ${topic} reset` })).toBeVisible();
      await expect(detail.totalLag()).toHaveText('20', { timeout: 15_000 });
      await page.screenshot({ path: testInfo.outputPath('group-lag-back.png'), fullPage: true });
    });

    await test.step("the group's retry topic opens from its link (a name with %)", async () => {
      await page.getByRole('link', { name: `%RETRY%${group}` }).click();
      await expect(page.getByRole('heading', { level: 1 })).toContainText(`%RETRY%${group}`);
      await expect(page.getByTestId('queue-stats')).toBeVisible();
    });
  } finally {
    await producer.close();
  }
});

test('the cluster page lists the co-hosted broker and name server', async ({ page }) => {
  await page.goto('/cluster');
  const broker = page.getByTestId('broker-table').locator('tr[data-broker="broker-a"]');
  await expect(broker).toContainText(`127.0.0.1:${e2ePorts.broker}`);
  await expect(broker).toContainText('up');
  await expect(page.getByTestId('namesrv-table')).toContainText(`127.0.0.1:${e2ePorts.namesrv}`);
});
