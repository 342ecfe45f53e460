import { expect, test } from './fixtures';
import { TopicDetailPage, TopicsPage } from './pages/topics-page';

test('create a topic, send 10 keyed test messages, find them by key, open one, delete the topic', async ({ page }, testInfo) => {
  const topic = `e2e-topic-${Date.now()}`;
  const key = `order-${Date.now()}`;
  const topics = new TopicsPage(page);
  const detail = new TopicDetailPage(page);

  await test.step('create the topic from the Topics page', async () => {
    await topics.open();
    await topics.create(topic);
    await expect(page.getByTestId('queue-stats').locator('tbody tr')).toHaveCount(4);
  });

  await test.step('send 10 test messages with a key', async () => {
    const results = await detail.sendTestMessages({ tag: 'TagA', keys: key, body: '{"hello":"world"}', count: 10 });
    await expect(results.getByText('SEND_OK')).toHaveCount(10);
    await expect(page.getByTestId('topic-total-messages')).toHaveText('10');
    await page.screenshot({ path: testInfo.outputPath('topic-detail.png'), fullPage: true });
  });

  await test.step('find them by key through a shareable URL', async () => {
    await page.goto(`/messages?topic=${topic}&key=${key}`);
    const rows = page.getByTestId('message-results').locator('tbody tr');
    await expect(rows).toHaveCount(10);
    await page.screenshot({ path: testInfo.outputPath('messages-by-key.png'), fullPage: true });
    await rows.first().getByRole('link').click();
  });

  await test.step('the same messages by time range and by id, from shareable URLs', async () => {
    await page.goto(`/messages?topic=${topic}&begin=${Date.now() - 600_000}&end=${Date.now() + 60_000}`);
    await expect(page.getByTestId('message-results').locator('tbody tr')).toHaveCount(10);
    const firstId = await page.getByTestId('message-results').locator('tbody tr').first().getAttribute('data-msg-id');
    await page.goto(`/messages?msgId=${firstId}`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(firstId ?? 'missing id');
    await page.goto(`/messages?topic=${topic}&key=${key}`);
    await page.getByTestId('message-results').locator('tbody tr').first().getByRole('link').click();
  });

  await test.step('open one and see its properties', async () => {
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Message');
    const props = page.getByTestId('message-properties');
    await expect(props).toContainText('KEYS');
    await expect(props).toContainText(key);
    await expect(props).toContainText('TagA');
    await expect(page.getByTestId('message-body')).toContainText('"hello": "world"');
    await page.screenshot({ path: testInfo.outputPath('message-detail.png'), fullPage: true });
  });

  await test.step('delete the topic with confirmation', async () => {
    await detail.open(topic);
    await detail.delete(topic);
    await topics.open(`?q=${topic}`);
    await expect(page.getByTestId('topic-count')).toContainText('0 of');
  });
});

test('a topic name the broker would refuse is rejected in the form with a clear message', async ({ page }) => {
  const topics = new TopicsPage(page);
  await topics.open();
  await page.getByRole('button', { name: 'Create topic' }).click();
  const form = page.getByRole('region', { name: 'Create topic' });
  await form.getByLabel('Topic name').fill('bad/topic');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.getByRole('alert')).toHaveText('A topic name may only contain letters, digits, %, |, - and _.');
});
