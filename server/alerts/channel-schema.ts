/**
 * Notification channels. Only webhooks for now (the notification center is built in and always on). Bounds keep a
 * misconfigured channel from holding deliveries for minutes: the timeout is at most 30 s, attempts at most 10.
 */
import { z } from 'zod';

export const WEBHOOK_TIMEOUT_MS_MAX = 30_000;
export const WEBHOOK_ATTEMPTS_MAX = 10;
const HEADERS_MAX = 10;

export const WebhookConfigSchema = z
  .object({
    url: z
      .string({ error: 'url is required' })
      .max(2_048, 'url is longer than 2,048 characters')
      .url({ message: 'url must be an absolute http(s) URL', abort: true })
      .refine((u) => /^https?:\/\//i.test(u), 'url must start with http:// or https://'),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'header names are letters, digits and -'), z.string().max(1_024))
      .refine((h) => Object.keys(h).length <= HEADERS_MAX, `at most ${HEADERS_MAX} headers`)
      .default({}),
    timeoutMs: z.number().int().min(100, 'timeout must be at least 100 ms').max(WEBHOOK_TIMEOUT_MS_MAX, `timeout must be at most ${WEBHOOK_TIMEOUT_MS_MAX} ms`).default(5_000),
    maxAttempts: z.number().int().min(1, 'at least 1 attempt').max(WEBHOOK_ATTEMPTS_MAX, `at most ${WEBHOOK_ATTEMPTS_MAX} attempts`).default(6),
  })
  .strict();
export type WebhookConfig = z.output<typeof WebhookConfigSchema>;

export const ChannelInputSchema = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(80, 'name must be at most 80 characters'),
    type: z.literal('webhook', { error: 'type must be "webhook"' }),
    enabled: z.boolean().default(true),
    config: WebhookConfigSchema,
  })
  .strict();
export type ChannelInput = z.input<typeof ChannelInputSchema>;
export type ChannelDefinition = z.output<typeof ChannelInputSchema>;
