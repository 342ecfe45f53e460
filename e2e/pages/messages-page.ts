import { expect, type Locator, type Page } from '@playwright/test';

export class MessagesPage {
  constructor(private readonly page: Page) {}

  async open(query = ''): Promise<void> {
    await this.page.goto(`/messages${query}`);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Messages' })).toBeVisible();
  }

  tab(name: 'By key' | 'By time range' | 'By message id'): Locator {
    return this.page.getByRole('tab', { name });
  }

  /** The inline message a time range that cannot be searched shows. */
  timeRangeProblem(): Locator {
    return this.page.getByTestId('time-range-problem');
  }

  async searchByTime(topic: string, from: string, to?: string): Promise<void> {
    await this.page.getByLabel('Topic').fill(topic);
    await this.page.getByLabel('From').fill(from);
    if (to !== undefined) await this.page.getByLabel('To').fill(to);
    await this.page.getByRole('button', { name: 'Search' }).click();
  }
}

export class DlqPage {
  constructor(private readonly page: Page) {}

  async open(query = ''): Promise<void> {
    await this.page.goto(`/dlq${query}`);
    await expect(this.page.getByRole('heading', { level: 1, name: 'DLQ' })).toBeVisible();
  }

  async chooseGroup(group: string): Promise<void> {
    await this.page.getByLabel('Consumer group').selectOption(group);
  }

  table(): Locator {
    return this.page.getByTestId('dlq-table');
  }

  timeRangeProblem(): Locator {
    return this.page.getByTestId('time-range-problem');
  }
}

export class MessageDetailPage {
  constructor(private readonly page: Page) {}

  resendGroup(): Locator {
    // An input with a datalist is a combobox to assistive technology.
    return this.page.getByRole('combobox', { name: 'Resend to group' });
  }

  async resendTo(group: string): Promise<void> {
    await this.resendGroup().fill(group);
    await this.page.getByRole('button', { name: 'Resend', exact: true }).click();
  }

  consumptionOf(group: string): Locator {
    return this.page.getByTestId(`consumption-${group}`);
  }
}
