import type { Page } from '@playwright/test';
import { createConsumer, createProducer, message, sendAll } from '../test/support/ali-ons';
import { e2ePorts, expect, test } from './fixtures';
import { DashboardPage } from './pages/dashboard-page';
import { clusterSelect, SettingsPage } from './pages/settings-page';

/** The page's URL, once it has moved to `pathname`, as path and search params. */
async function urlAt(page: Page, pathname: string): Promise<URL> {
  await expect.poll(() => new URL(page.url()).pathname).toBe(pathname);
  return new URL(page.url());
}

test('links, the nav and the cluster selector keep a second cluster in the URL', async ({ page }) => {
  test.setTimeout(90_000);
  const nameSrv = `127.0.0.1:${e2ePorts.namesrv}`;
  // A second cluster entry for the same name server under another name: only the URL tells them apart.
  const second = `second-${Date.now()}`;
  const topic = `e2e-cl-${Date.now()}`;
  const group = `e2e-cl-group-${Date.now()}`;
  const settings = new SettingsPage(page);
  const nav = new DashboardPage(page);
  const producer = await createProducer(nameSrv, `${group}-pg`);
  const consumer = await createConsumer(nameSrv, group);
  consumer.subscribe(topic, '*', async () => {});
  let added = false;
  try {
    await sendAll(producer, [message(topic, 'T', 'on the second cluster', ['cl-key'])]);

    await test.step('add the second cluster in Settings; the selector lists it', async () => {
      await settings.open();
      await settings.addCluster(second, nameSrv);
      added = true;
      await expect(clusterSelect(page)).toHaveValue('embedded');
      await expect(clusterSelect(page).locator('option', { hasText: second })).toHaveCount(1);
    });

    await test.step('choosing it on a list page stays on the list, on the second cluster', async () => {
      await page.goto('/groups');
      await clusterSelect(page).selectOption(second);
      // Same path, new query: wait for the query, not the path.
      await expect.poll(() => new URL(page.url()).searchParams.get('cluster')).toBe(second);
      expect(new URL(page.url()).pathname).toBe('/groups');
      await expect(clusterSelect(page)).toHaveValue(second);
    });

    await test.step('a group opens on the second cluster', async () => {
      await page.getByRole('link', { name: group, exact: true }).click({ timeout: 20_000 });
      expect((await urlAt(page, `/groups/${group}`)).searchParams.get('cluster')).toBe(second);
      await expect(page.getByRole('heading', { level: 1, name: group })).toBeVisible();
      await expect(page.getByText(/not found|not configured/)).toHaveCount(0);
    });

    await test.step('the nav keeps the cluster', async () => {
      for (const [label, pathname] of [
        ['Topics', '/topics'],
        ['Messages', '/messages'],
        ['Dashboard', '/'],
        ['Topics', '/topics'],
      ] as const) {
        await nav.navLink(label).click();
        expect((await urlAt(page, pathname)).searchParams.get('cluster')).toBe(second);
        await expect(nav.navLink(label)).toHaveAttribute('aria-current', 'page');
        await expect(clusterSelect(page)).toHaveValue(second);
      }
    });

    await test.step("a topic's Messages button, a message and its links keep the cluster", async () => {
      await page.getByLabel('Search topics').fill(topic);
      // The row's link plays the cell role in the virtualised grid.
      await page.locator(`[data-topic="${topic}"] a`).first().click();
      expect((await urlAt(page, `/topics/${topic}`)).searchParams.get('cluster')).toBe(second);

      await page.getByRole('button', { name: 'Messages', exact: true }).click();
      const search = await urlAt(page, '/messages');
      expect(search.searchParams.get('cluster')).toBe(second);
      expect(search.searchParams.get('topic')).toBe(topic);

      await page.getByTestId('message-results').locator('tbody tr').first().getByRole('link').first().click();
      await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/messages\/[^/]+$/);
      expect(new URL(page.url()).searchParams.get('cluster')).toBe(second);
      await expect(page.getByRole('region', { name: 'Message', exact: true })).toBeVisible();

      await page.getByRole('link', { name: 'Trace', exact: true }).click();
      expect((await urlAt(page, '/traces')).searchParams.get('cluster')).toBe(second);
      await page.goBack();
      await page.getByRole('region', { name: 'Message', exact: true }).getByRole('link', { name: topic, exact: true }).click();
      expect((await urlAt(page, `/topics/${topic}`)).searchParams.get('cluster')).toBe(second);
    });

    await test.step('choosing the co-hosted cluster on a detail page goes to its dashboard, without ?cluster=', async () => {
      await clusterSelect(page).selectOption('embedded');
      const url = await urlAt(page, '/');
      expect(url.search).toBe('');
      await expect(clusterSelect(page)).toHaveValue('embedded');
      await expect(nav.navLink('Consumer groups')).toHaveAttribute('href', '/groups');
    });
  } finally {
    await consumer.close();
    await producer.close();
    if (added) {
      await settings.open();
      await settings.removeCluster(second);
    }
  }
});
