import { expect, type Locator, type Page } from '@playwright/test';

export class GroupDetailPage {
  constructor(private readonly page: Page) {}

  async open(group: string): Promise<void> {
    await this.page.goto(`/groups/${encodeURIComponent(group)}`);
    await expect(this.page.getByRole('heading', { level: 1, name: group })).toBeVisible();
  }

  totalLag(): Locator {
    return this.page.getByTestId('group-total-lag');
  }

  async resetToEarliest(topic: string): Promise<Locator> {
    const panel = this.page.getByRole('region', { name: 'Reset offset' });
    await panel.getByLabel('Topic').selectOption(topic);
    await panel.getByLabel('Reset to').selectOption('earliest');
    await panel.getByRole('button', { name: 'Preview' }).click();
    await expect(panel.getByTestId('reset-preview')).toBeVisible();
    return panel;
  }
}
