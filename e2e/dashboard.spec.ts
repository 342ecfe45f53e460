import net from 'node:net';
import path from 'node:path';
import { e2ePorts, engineHealth, expect, test } from './fixtures';
import { DashboardPage } from './pages/dashboard-page';

test('dashboard shows the live status of the running engine', async ({ page, request }, testInfo) => {
  const health = await engineHealth(request);
  const dashboard = new DashboardPage(page);

  await test.step('open the dashboard', async () => {
    await dashboard.open();
  });

  await test.step('values only the running engine knows', async () => {
    await expect(dashboard.field('engine-instance-id')).toHaveText(health.instanceId);
    await expect(dashboard.field('engine-pid')).toHaveText(String(health.pid));
    await expect(dashboard.field('engine-started-at')).toHaveAttribute('data-value', String(health.startedAt));
    await expect(dashboard.field('engine-data-dir')).toHaveText(path.resolve(process.env.E2E_DATA_DIR ?? ''));
    await expect(dashboard.listenerRow('namesrv')).toContainText(`127.0.0.1:${e2ePorts.namesrv}`);
    await expect(dashboard.listenerRow('broker')).toContainText(`127.0.0.1:${e2ePorts.broker}`);
    await expect(dashboard.field('engine-state')).toHaveText('running');
  });

  await test.step('the page follows the engine as it changes (polling)', async () => {
    // The console's own admin client and the broker's registration hold connections too: count from them.
    const before = await engineHealth(request);
    const base = (name: string) => before.listeners.find((l) => l.name === name)?.connections ?? 0;
    const shown = async (name: 'namesrv' | 'broker') => Number(await dashboard.listenerRow(name).locator('td').nth(2).textContent());
    const sockets = await Promise.all([connect(e2ePorts.namesrv), connect(e2ePorts.broker), connect(e2ePorts.broker)]);
    try {
      await expect.poll(() => shown('namesrv')).toBeGreaterThanOrEqual(base('namesrv') + 1);
      await expect.poll(() => shown('broker')).toBeGreaterThanOrEqual(base('broker') + 2);
      await page.screenshot({ path: testInfo.outputPath('dashboard.png'), fullPage: true });
      await testInfo.attach('dashboard', { path: testInfo.outputPath('dashboard.png'), contentType: 'image/png' });
    } finally {
      for (const s of sockets) s.destroy();
    }
    await expect.poll(() => shown('broker')).toBeLessThanOrEqual(base('broker'));
  });
});

test('navigation reaches every console area', async ({ page }) => {
  const dashboard = new DashboardPage(page);
  await dashboard.open();
  const areas: [string, string][] = [
    ['Cluster', '/cluster'],
    ['Topics', '/topics'],
    ['Consumer groups', '/groups'],
    ['Messages', '/messages'],
    ['Traces', '/traces'],
    ['DLQ', '/dlq'],
    ['Alerts', '/alerts'],
    ['Settings', '/settings'],
    ['Dashboard', '/'],
  ];
  for (const [label, href] of areas) {
    await dashboard.navLink(label).click();
    await expect(page).toHaveURL(href);
    await expect(dashboard.navLink(label)).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { level: 1, name: label })).toBeVisible();
  }
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}
