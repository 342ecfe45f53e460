import { createConsumer } from '../test/support/ali-ons';
import { e2ePorts, expect, test } from './fixtures';
import { TopicDetailPage, TopicsPage } from './pages/topics-page';
import { TracesPage } from './pages/traces-page';

test('a test message sent from the console and consumed by a real client shows its trace timeline', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const nameSrv = `127.0.0.1:${e2ePorts.namesrv}`;
  const topic = `e2e-trace-${Date.now()}`;
  const group = `e2e-trace-group-${Date.now()}`;
  const traces = new TracesPage(page);
  let consumed = 0;
  await new TopicsPage(page).open();
  await new TopicsPage(page).create(topic, 2);
  const consumer = await createConsumer(nameSrv, group);
  consumer.subscribe(topic, '*', async () => {
    consumed += 1;
  });
  try {
    await test.step('send one keyed test message from the topic page', async () => {
      const detail = new TopicDetailPage(page);
      await detail.open(topic);
      const results = await detail.sendTestMessages({ keys: 'trace-key-1', body: 'trace me', count: 1 });
      await expect.poll(() => consumed, { timeout: 30_000 }).toBe(1);
      await results.getByRole('link', { name: 'Trace' }).click();
      await expect(page).toHaveURL(/\/traces\?msgId=/);
    });

    await test.step('the timeline shows produced, delivered and consumed for the group', async () => {
      await traces.waitForStep('success', 30_000);
      const trace = traces.trace();
      await expect(trace.getByTestId('trace-timeline')).toBeVisible();
      await expect(trace.getByTestId('trace-step-publish')).toHaveCount(1);
      const steps = trace.getByTestId('trace-steps');
      await expect(steps).toContainText(/produced → stored/);
      await expect(steps).toContainText(new RegExp(`${group}: delivery 1 to .*: consumed`));
      const records = trace.getByTestId('trace-records');
      await expect(records.locator('tbody tr')).toHaveCount(3);
      await expect(records).toContainText('Pub');
      await expect(records).toContainText('SubBefore');
      await expect(records).toContainText('SubAfter');
      await page.screenshot({ path: testInfo.outputPath('trace-timeline.png'), fullPage: true });
    });

    await test.step('the same trace opens by topic and key from the URL', async () => {
      await page.goto(`/traces?topic=${topic}&key=trace-key-1`);
      await expect(traces.trace().getByTestId('trace-records')).toContainText('SubAfter');
    });
  } finally {
    await consumer.close();
  }
});
