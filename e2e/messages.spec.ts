import { createConsumer, createProducer, message, sendAll } from '../test/support/ali-ons';
import { e2ePorts, expect, test } from './fixtures';
import { DlqPage, MessageDetailPage, MessagesPage } from './pages/messages-page';

/** What Next shows when a client component throws while rendering. */
const crashed = /This page couldn.t load|Application error/;

test('messages by time: bad URLs and an emptied "From" say what is wrong instead of crashing', async ({ page }) => {
  const messages = new MessagesPage(page);
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));

  await test.step('an unknown ?mode= opens the default tab', async () => {
    await messages.open('?mode=bogus');
    await expect(messages.tab('By key')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByLabel('Key')).toBeVisible();
  });

  await test.step('clearing "From" and searching asks for a start time and keeps the URL clean', async () => {
    await messages.open('?mode=time');
    await messages.searchByTime('orders', '');
    await expect(messages.timeRangeProblem()).toHaveText('Choose a start time ("From").');
    expect(page.url()).not.toContain('NaN');
    await expect(page.locator('body')).not.toContainText(crashed);
  });

  await test.step('NaN, garbage and a start after the end in the URL render a message', async () => {
    for (const [query, text] of [
      ['?topic=orders&begin=NaN&end=1764072000000', /begin=NaN\) is not a time\. Choose a start time/],
      ['?topic=orders&begin=1764072000000&end=garbage', /end=garbage\) is not a time\. Choose an end time/],
      ['?topic=orders&begin=1764072000000&end=1764000000000', /start time \("From"\) is later than the end time/],
    ] as const) {
      await messages.open(query);
      await expect(messages.tab('By time range')).toHaveAttribute('aria-selected', 'true');
      await expect(messages.timeRangeProblem()).toContainText(text);
      await expect(page.locator('body')).not.toContainText(crashed);
    }
  });

  await test.step('the DLQ page reads its range the same way', async () => {
    const dlq = new DlqPage(page);
    await dlq.open('?group=cg-nobody&begin=NaN');
    await expect(dlq.timeRangeProblem()).toContainText(/begin=NaN\) is not a time/);
    await expect(page.locator('body')).not.toContainText(crashed);
  });
  expect(pageErrors).toEqual([]);
});

test('DLQ: dead letters of a real failing consumer are listed, exported and resent; their detail knows the group', async ({ page }) => {
  test.setTimeout(90_000);
  const nameSrv = `127.0.0.1:${e2ePorts.namesrv}`;
  const topic = `e2e-dlq-${Date.now()}`;
  const group = `e2e-dlq-group-${Date.now()}`;
  const producer = await createProducer(nameSrv, `${group}-pg`);
  let healthy = false;
  let handled = 0;
  // maxReconsumeTimes 0: the first failure goes straight to %DLQ%<group>.
  const consumer = await createConsumer(nameSrv, group, { maxReconsumeTimes: 0 });
  consumer.subscribe(topic, '*', async () => {
    if (!healthy) throw new Error('downstream is down');
    handled += 1;
  });
  const dlq = new DlqPage(page);
  const detail = new MessageDetailPage(page);
  try {
    await sendAll(producer, Array.from({ length: 3 }, (_, i) => message(topic, 'T', `dead-${i}`, [`dk${i}`])));

    await test.step('the group shows its three dead letters (no page-size error)', async () => {
      await expect(async () => {
        await dlq.open(`?group=${encodeURIComponent(group)}`);
        await expect(dlq.table().locator('tbody tr')).toHaveCount(3, { timeout: 2_000 });
      }).toPass({ timeout: 30_000 });
      await expect(page.getByText(/Could not read the DLQ|page size/)).toHaveCount(0);
    });

    await test.step('export the selection as JSON', async () => {
      await page.getByRole('checkbox', { name: 'Select all' }).check();
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export JSON' }).click();
      expect((await download).suggestedFilename()).toBe(`dlq-${group}-3.json`);
    });

    await test.step("a dead letter's detail prefills its group; its original is dead-lettered for the group", async () => {
      await dlq.table().locator('tbody tr').first().getByRole('link').first().click();
      await expect(page).toHaveURL(/\/messages\//);
      await expect(detail.resendGroup()).toHaveValue(group);
      const msgId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
      await page.goto(`/messages/${msgId}?topic=${encodeURIComponent(topic)}`);
      await expect(detail.consumptionOf(group)).toHaveText('dead-lettered', { timeout: 15_000 });
    });

    await test.step('resending to a group that does not exist is refused', async () => {
      await detail.resendTo('no-such-group');
      await expect(page.getByTestId('toast').filter({ hasText: 'consumer group no-such-group does not exist' })).toBeVisible();
      await page.goto('/topics');
      await expect(page.locator('[data-topic="%RETRY%no-such-group"]')).toHaveCount(0);
    });

    await test.step('resend all three to the group, now healthy', async () => {
      healthy = true;
      await dlq.open(`?group=${encodeURIComponent(group)}`);
      await page.getByRole('checkbox', { name: 'Select all' }).check();
      await page.getByRole('button', { name: 'Resend to group' }).click();
      await expect(page.getByTestId('toast').filter({ hasText: `Resent 3 messages to ${group}` })).toBeVisible();
      await expect.poll(() => handled, { timeout: 30_000 }).toBe(3);
    });
  } finally {
    await consumer.close();
    await producer.close();
  }
});

test('topics: a name with a %RETRY% or %DLQ% prefix is refused with a clear message', async ({ page }) => {
  await page.goto('/topics');
  await page.getByRole('button', { name: 'Create topic' }).click();
  const form = page.getByRole('region', { name: 'Create topic' });
  await form.getByLabel('Topic name').fill('%RETRY%x');
  await form.getByRole('button', { name: 'Create' }).click();
  // The form says so before asking the server (which refuses it too: server/trpc/routers/topic.test.ts).
  await expect(form.getByRole('alert')).toHaveText("Names starting with %RETRY% are reserved for consumer groups' retry topics.");
  await page.goto('/topics');
  await expect(page.locator('[data-topic="%RETRY%x"]')).toHaveCount(0);
});
