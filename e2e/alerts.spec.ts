import { createConsumer, createProducer, message, sendAll } from '../test/support/ali-ons';
import { e2ePorts, expect, test } from './fixtures';

test('a lag rule created in the console fires for a real ali-ons consumer that stopped', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const nameSrv = `127.0.0.1:${e2ePorts.namesrv}`;
  const stamp = Date.now();
  const topic = `e2e-alert-${stamp}`;
  const group = `e2e-alert-group-${stamp}`;
  const ruleName = `lag of ${group}`;
  const producer = await createProducer(nameSrv, `${group}-pg`);
  try {
    await test.step('a consumer catches up, then stops while 20 more messages arrive', async () => {
      await sendAll(producer, Array.from({ length: 5 }, (_, i) => message(topic, 'T', `m${i}`)));
      let consumed = 0;
      const consumer = await createConsumer(nameSrv, group);
      consumer.subscribe(topic, '*', async () => {
        consumed += 1;
      });
      await expect.poll(() => consumed, { timeout: 20_000 }).toBeGreaterThanOrEqual(5);
      // Let the commit reach the broker, and the sampler see the consumer online (it remembers the
      // group's message model from then), before stopping.
      await new Promise((r) => setTimeout(r, 1_500));
      const online = new RegExp(`rocketmq_group_diff\\{cluster="embedded",group="${group}",topic="${topic}",countOfOnlineConsumers="1",msgModel="CLUSTERING"\\}`);
      await expect.poll(async () => online.test(await (await request.get('/metrics')).text()), { timeout: 15_000 }).toBe(true);
      await consumer.close();
      await sendAll(producer, Array.from({ length: 20 }, (_, i) => message(topic, 'T', `n${i}`)));
    });

    await test.step('an invalid threshold is refused with a readable message', async () => {
      await page.goto('/alerts');
      await page.getByTestId('new-rule').click();
      const form = page.getByTestId('rule-form');
      await form.getByTestId('rule-name').fill(ruleName);
      await form.getByTestId('rule-threshold').fill('0');
      await form.getByTestId('rule-scope').fill(group);
      await form.getByTestId('rule-for').fill('2');
      await form.getByTestId('rule-save').click();
      await expect(form.getByTestId('rule-error')).toContainText('threshold must be at least 1 message');
    });

    await test.step('the rule is tested against history, created, and fires', async () => {
      const form = page.getByTestId('rule-form');
      await form.getByTestId('rule-threshold').fill('10');
      await form.getByTestId('rule-test').click();
      await expect(form.getByTestId('rule-test-result')).toBeVisible();
      await form.getByTestId('rule-save').click();
      await expect(page.getByTestId('toast').filter({ hasText: `Rule "${ruleName}" saved` })).toBeVisible();
      const row = page.getByTestId(`rule-row-${ruleName}`);
      await expect(row).toBeVisible();
      await expect(row.getByTestId('rule-state')).toContainText('firing', { timeout: 60_000 });
      await expect(page.getByTestId('nav-alerts-firing')).toHaveText('1', { timeout: 15_000 });
      await page.screenshot({ path: testInfo.outputPath('alerts-firing.png'), fullPage: true });
    });

    await test.step('the notification center, /metrics, the dashboard and the group chart show it', async () => {
      await page.getByTestId('tab-notifications').click();
      await expect(page.getByTestId('notifications')).toContainText(`Firing: ${ruleName}`);
      const metrics = await (await request.get('/metrics')).text();
      expect(metrics).toMatch(new RegExp(`rocketmq_group_diff\\{cluster="embedded",group="${group}",topic="${topic}",countOfOnlineConsumers="0",msgModel="CLUSTERING"\\} 20`));
      await page.goto('/?range=15m');
      await expect(page.getByTestId('top-lag')).toContainText(group);
      await expect(page.getByTestId('range-15m')).toHaveAttribute('aria-selected', 'true');
      await page.goto(`/groups/${encodeURIComponent(group)}`);
      await expect(page.getByTestId('group-lag-chart')).toHaveAttribute('data-known-points', /^[1-9]/, { timeout: 15_000 });
      await expect(page.getByTestId('group-lag-chart').locator('svg.recharts-surface').first()).toBeVisible();
      await page.screenshot({ path: testInfo.outputPath('group-lag-chart.png'), fullPage: true });
    });
  } finally {
    await producer.close();
  }
});
