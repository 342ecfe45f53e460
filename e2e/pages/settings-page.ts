import { expect, type Locator, type Page } from '@playwright/test';

export class SettingsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/settings');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  }

  private clusters(): Locator {
    return this.page.getByRole('region', { name: 'Clusters' });
  }

  async addCluster(name: string, nameServers: string): Promise<void> {
    const panel = this.clusters();
    await panel.getByLabel('Name', { exact: true }).fill(name);
    await panel.getByLabel('Name servers (host:port, comma separated)').fill(nameServers);
    await panel.getByRole('button', { name: 'Add cluster' }).click();
    await expect(this.page.getByTestId('toast').filter({ hasText: `Cluster ${name} added` })).toBeVisible();
  }

  async removeCluster(name: string): Promise<void> {
    const row = this.page.getByTestId('cluster-list').locator('tr').filter({ has: this.page.getByRole('link', { name, exact: true }) });
    await row.getByRole('button', { name: 'Remove' }).click();
    await this.page.getByRole('dialog', { name: `Remove cluster ${name}?` }).getByRole('button', { name: 'Remove cluster' }).click();
    await expect(this.page.getByTestId('toast').filter({ hasText: `Cluster ${name} removed` })).toBeVisible();
  }
}

/** The nav's cluster selector. */
export function clusterSelect(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Console' }).getByRole('combobox', { name: 'Current cluster' });
}
