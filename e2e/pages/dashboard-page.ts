import { expect, type Locator, type Page } from '@playwright/test';

export class DashboardPage {
  readonly status: Locator;

  constructor(private readonly page: Page) {
    this.status = page.getByTestId('engine-status');
  }

  async open(): Promise<void> {
    await this.page.goto('/');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await expect(this.status).toBeVisible();
  }

  field(testId: string): Locator {
    return this.status.getByTestId(testId);
  }

  listenerRow(name: 'namesrv' | 'broker'): Locator {
    return this.status.locator(`tr[data-listener="${name}"]`);
  }

  navLink(label: string): Locator {
    return this.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label, exact: true });
  }
}
