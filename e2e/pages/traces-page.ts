import { expect, type Locator, type Page } from '@playwright/test';

export class TracesPage {
  constructor(private readonly page: Page) {}

  trace(): Locator {
    return this.page.getByTestId('trace').first();
  }

  /** Reloads until the timeline shows a step of `kind` (trace records are written in batches). */
  async waitForStep(kind: string, timeout = 20_000): Promise<void> {
    await expect(async () => {
      await this.page.reload();
      await expect(this.trace().getByTestId(`trace-step-${kind}`).first()).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout });
  }
}
