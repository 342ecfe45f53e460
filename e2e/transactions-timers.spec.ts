/** The console's transactional and timer test sends, and what the message detail, the topic page and the trace then show. */
import { expect, test } from './fixtures';
import { TopicDetailPage, TopicsPage } from './pages/topics-page';
import { TracesPage } from './pages/traces-page';

test('transactional commit and rollback, and a timer 5 s ahead: states on the message detail, the topic and the trace', async ({ page }) => {
  test.setTimeout(120_000);
  const topic = `e2e-held-${Date.now()}`;
  const topics = new TopicsPage(page);
  const detail = new TopicDetailPage(page);
  const message = page.getByRole('region', { name: 'Message' });
  await topics.open();
  await topics.create(topic, 1);

  await test.step('commit: sent as a half message and committed; the message is in its topic, committed', async () => {
    const row = await detail.sendOne({ body: 'commit me', transaction: 'yes: commit' });
    await expect(row.getByTestId('send-held')).toHaveText('transactional: committed');
    await expect(row.locator('.badge')).toHaveText('SEND_OK');
    await row.getByRole('link').first().click();
    await expect(page.getByTestId('message-transaction')).toHaveText('committed', { timeout: 15_000 });
    await expect(message.getByRole('link', { name: topic, exact: true })).toBeVisible();
    await page.screenshot({ path: 'test-results/held-commit-detail.png', fullPage: true });
  });

  await test.step('its trace: the half message, then the commit', async () => {
    await page.getByRole('link', { name: 'Trace', exact: true }).click();
    // A reload before the client-side navigation commits would reload the message page instead.
    await expect(page).toHaveURL(/\/traces\?/);
    const traces = new TracesPage(page);
    await traces.waitForStep('transaction');
    await expect(traces.trace().getByTestId('trace-steps')).toContainText('half message stored (transactional)');
    await expect(traces.trace().getByTestId('trace-steps')).toContainText(/transaction committed, \d+ ms after the half message/);
    await page.screenshot({ path: 'test-results/held-commit-trace.png', fullPage: true });
  });

  await test.step('rollback: the half message is shown where it is held, rolled back', async () => {
    await detail.open(topic);
    const row = await detail.sendOne({ body: 'roll me back', transaction: 'yes: roll back' });
    await expect(row.getByTestId('send-held')).toHaveText('transactional: rolled back');
    await row.getByRole('link').first().click();
    await expect(page.getByTestId('message-transaction')).toHaveText('rolled back', { timeout: 15_000 });
    await expect(page.getByTestId('message-transaction-detail')).toHaveText('never delivered to consumers');
    await expect(message).toContainText('held in RMQ_SYS_TRANS_HALF_TOPIC');
    await expect(page.getByTestId('message-no-consumption')).toHaveText('Rolled back: no group will ever get this message.');
    await page.screenshot({ path: 'test-results/held-rollback-detail.png', fullPage: true });
  });

  await test.step('timer 5 s ahead: counted as waiting for the topic, "delivers at", then delivered', async () => {
    await detail.open(topic);
    const row = await detail.sendOne({ body: 'later', deliverIn: 'in 5 s' });
    await expect(row.getByTestId('send-held')).toHaveText(/^timer: delivers at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    await expect(detail.pending('timers')).toHaveText('1');
    await expect(detail.pending('half')).toHaveText('0');
    await page.getByRole('region', { name: 'Send test message' }).screenshot({ path: 'test-results/held-send-form.png' });
    await page.getByRole('region', { name: 'Waiting for the topic' }).screenshot({ path: 'test-results/held-topic-pending.png' });
    await row.getByRole('link').first().click();
    await expect(page.getByTestId('message-timer')).toContainText('delivers at', { timeout: 10_000 });
    await expect(message.getByRole('link', { name: topic, exact: true })).toBeVisible();
    await page.screenshot({ path: 'test-results/held-timer-pending.png', fullPage: true });
    // The page reads the detail again once the time has passed.
    await expect(page.getByTestId('message-timer')).toContainText('delivered at', { timeout: 20_000 });
    await expect(page.getByTestId('message-timer-detail')).toContainText(/^ ?asked for .* \(\d+ ms later\)$/);
    await page.screenshot({ path: 'test-results/held-timer-delivered.png', fullPage: true });
  });

  await test.step('its trace: stored to wait, then delivered by the timer after about 5 s', async () => {
    await page.getByRole('link', { name: 'Trace', exact: true }).click();
    // A reload before the client-side navigation commits would reload the message page instead.
    await expect(page).toHaveURL(/\/traces\?/);
    const traces = new TracesPage(page);
    await traces.waitForStep('delay');
    await expect(traces.trace().getByTestId('trace-steps')).toContainText(new RegExp(`timer: delivered to ${topic} after waiting [3-9]s`));
    await page.screenshot({ path: 'test-results/held-timer-trace.png', fullPage: true });
  });

  await detail.open(topic);
  await expect(detail.pending('timers')).toHaveText('0');
  await detail.delete(topic);
});
