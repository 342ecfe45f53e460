/** QA's browser findings: search boxes that dropped keys, a large body that froze the tab, sizes, delayed sends. */
import { randomBytes } from 'node:crypto';
import { createProducer, message } from '../test/support/ali-ons';
import { e2ePorts, expect, test } from './fixtures';
import { TopicDetailPage, TopicsPage } from './pages/topics-page';

test('search boxes keep every typed character; the URL follows and back restores it', async ({ page }) => {
  for (const [path, label] of [['/groups', 'Search groups'], ['/topics', 'Search topics']] as const) {
    await test.step(`${path}: type with 30 ms between keys`, async () => {
      await page.goto(path);
      const box = page.getByRole('searchbox', { name: label });
      await box.pressSequentially('scale-group-07', { delay: 30 });
      await expect(box).toHaveValue('scale-group-07');
      await expect(page).toHaveURL(/[?&]q=scale-group-07(&|$)/);
      await box.fill('');
      await box.pressSequentially('other', { delay: 30 });
      await expect(page).toHaveURL(/[?&]q=other(&|$)/);
      // A reload reads the URL.
      await page.reload();
      await expect(page.getByRole('searchbox', { name: label })).toHaveValue('other');
    });
  }
});

test('a 3.9 MiB random body: text view is capped and quick, sizes say compressed', async ({ page }) => {
  const nameSrv = `127.0.0.1:${e2ePorts.namesrv}`;
  const topic = `e2e-bigbody-${Date.now()}`;
  const producer = await createProducer(nameSrv, `${topic}-pg`);
  try {
    // ali-ons compresses it (≥ 4 KiB); random bytes do not shrink.
    const sent = await producer.send(message(topic, 'T', randomBytes(4_089_446), ['big-1']));
    await page.goto(`/messages/${sent.msgId}?topic=${encodeURIComponent(topic)}`);
    await test.step('the detail shows the real size and the stored one', async () => {
      await expect(page.getByTestId('message-body-size')).toHaveText(/^3\.9 MiB \(stored compressed: 3\.9 MiB\)$/, { timeout: 15_000 });
    });
    await test.step('text and JSON open within a second or two, capped, with the rest to download', async () => {
      const started = Date.now();
      await page.getByRole('tab', { name: 'text' }).click();
      await expect(page.getByTestId('message-body-cut')).toHaveText('Showing the first 64.0 KiB of 3.9 MiB — download the body for the rest.');
      expect(Date.now() - started).toBeLessThan(3_000);
      await page.getByRole('tab', { name: 'JSON' }).click();
      await expect(page.getByTestId('message-body')).toHaveText('The body is not valid JSON.');
      await expect(page.getByRole('button', { name: 'Download body' })).toBeVisible();
    });
  } finally {
    await producer.close();
  }
});

test('a delayed send says scheduled, and its message shows where and when it will be delivered', async ({ page }) => {
  const topic = `e2e-delay-${Date.now()}`;
  const topics = new TopicsPage(page);
  const detail = new TopicDetailPage(page);
  await topics.open();
  await topics.create(topic, 2);
  await detail.open(topic);
  const form = page.getByRole('region', { name: 'Send test message' });
  await form.getByLabel('Delay').selectOption('2');
  await form.getByLabel('Body', { exact: true }).fill('later');
  await form.getByRole('button', { name: /^Send/ }).click();
  const results = form.getByTestId('send-results');
  await expect(results.getByTestId('send-scheduled')).toHaveText('scheduled (delay level 2)');
  await results.locator('tbody tr').first().getByRole('link').first().click();
  await expect(page.getByTestId('message-scheduled')).toContainText('scheduled: delivers at', { timeout: 10_000 });
  await expect(page.getByRole('region', { name: 'Message' }).getByRole('link', { name: topic, exact: true })).toBeVisible();
  // Once the delay passes the page fetches it again and it is in its topic.
  await expect(page.getByTestId('message-scheduled')).toHaveCount(0, { timeout: 20_000 });
  await detail.open(topic);
  await detail.delete(topic);
});
