import { expect, type Locator, type Page } from '@playwright/test';

export class TopicsPage {
  constructor(private readonly page: Page) {}

  async open(query = ''): Promise<void> {
    await this.page.goto(`/topics${query}`);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Topics' })).toBeVisible();
  }

  async create(topic: string, queues = 4): Promise<void> {
    await this.page.getByRole('button', { name: 'Create topic' }).click();
    const form = this.page.getByRole('region', { name: 'Create topic' });
    await form.getByLabel('Topic name').fill(topic);
    await form.getByLabel('Write queues').fill(String(queues));
    await form.getByLabel('Read queues').fill(String(queues));
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(this.page.getByTestId('toast').filter({ hasText: `Topic ${topic} created` })).toBeVisible();
    await expect(this.page).toHaveURL(new RegExp(`/topics/${topic}`));
  }

  row(topic: string): Locator {
    return this.page.locator(`[data-topic="${topic}"]`);
  }
}

export class TopicDetailPage {
  constructor(private readonly page: Page) {}

  async open(topic: string): Promise<void> {
    await this.page.goto(`/topics/${encodeURIComponent(topic)}`);
    await expect(this.page.getByRole('heading', { level: 1 })).toContainText(topic);
  }

  async sendTestMessages(opts: { tag?: string; keys?: string; body: string; count: number }): Promise<Locator> {
    const form = this.page.getByRole('region', { name: 'Send test message' });
    if (opts.tag) await form.getByLabel('Tag').fill(opts.tag);
    if (opts.keys) await form.getByLabel('Keys (space separated)').fill(opts.keys);
    await form.getByLabel('Count').fill(String(opts.count));
    await form.getByLabel('Body', { exact: true }).fill(opts.body);
    await form.getByRole('button', { name: /^Send/ }).click();
    const results = form.getByTestId('send-results');
    await expect(results.locator('tbody tr')).toHaveCount(opts.count);
    return results;
  }

  /** One test message, transactional (the option's label) or timed ("in 5 s"); returns its result row. */
  async sendOne(opts: { body: string; transaction?: string; deliverIn?: string }): Promise<Locator> {
    const form = this.page.getByRole('region', { name: 'Send test message' });
    await form.getByLabel('Transactional').selectOption({ label: opts.transaction ?? 'no' });
    if (opts.deliverIn) await form.getByRole('button', { name: opts.deliverIn, exact: true }).click();
    else await form.getByLabel('Deliver at (timer message)').fill('');
    await form.getByLabel('Count').fill('1');
    await form.getByLabel('Body', { exact: true }).fill(opts.body);
    await form.getByRole('button', { name: /^Send/ }).click();
    const row = form.getByTestId('send-results').locator('tbody tr');
    await expect(row).toHaveCount(1);
    return row.first();
  }

  /** The "Waiting for the topic" panel's count of half messages or timers. */
  pending(kind: 'half' | 'timers'): Locator {
    return this.page.getByTestId(`topic-pending-${kind}`);
  }

  async delete(topic: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Delete' }).click();
    const dialog = this.page.getByRole('dialog', { name: `Delete topic ${topic}?` });
    await dialog.getByLabel('Confirmation text').fill(topic);
    await dialog.getByRole('button', { name: 'Delete topic' }).click();
    await expect(this.page.getByTestId('toast').filter({ hasText: `Topic ${topic} deleted` })).toBeVisible();
    await expect(this.page).toHaveURL(/\/topics$/);
  }
}
