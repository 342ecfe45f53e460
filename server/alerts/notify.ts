/**
 * Turning an alert state change into notifications, inside the evaluator's transaction: one row in the console's
 * notification center and one outbox row per enabled webhook channel of the rule. Nothing here touches the network;
 * the webhook deliverer sends outbox rows later, so evaluation never waits on a receiver.
 */
import type { AlertStateName } from '../db/alert-rows';
import type { ConsoleDb } from '../db/console-db';
import { enqueueDelivery, getChannelRow, insertNotification } from '../db/notification-rows';
import type { AlertRule } from './rule-schema';

export interface AlertChange {
  eventId: number;
  rule: AlertRule;
  instanceKey: string;
  labels: Record<string, string>;
  from: AlertStateName;
  to: AlertStateName;
  at: number;
  /** When the condition became true (start of pending). */
  activeSince: number | null;
  value: number | null;
  reason: string;
}

export interface WebhookPayload {
  version: 1;
  state: 'firing' | 'resolved';
  rule: { id: number; name: string; severity: string; kind: string; description: string };
  instance: Record<string, string>;
  value: number | null;
  reason: string;
  at: string;
  activeSince: string | null;
  eventId: number;
  links: { rule: string; target: string };
}

/**
 * Console paths for links in notifications. They mirror the console's routes (app/(console)/alerts, groups/[group],
 * topics/[topic], cluster); server code may not import the UI's paths module, so keep the two in step.
 */
export function alertLinks(baseUrl: string, ruleId: number, labels: Record<string, string>): { rule: string; target: string } {
  const base = baseUrl.replace(/\/+$/, '');
  const q = labels.cluster ? `?cluster=${encodeURIComponent(labels.cluster)}` : '';
  const target = labels.group
    ? `/groups/${encodeURIComponent(labels.group)}${q}`
    : labels.topic
      ? `/topics/${encodeURIComponent(labels.topic)}${q}`
      : `/cluster${q}`;
  return { rule: `${base}/alerts/${ruleId}`, target: `${base}${target}` };
}

export function buildWebhookPayload(c: AlertChange, baseUrl: string): WebhookPayload {
  return {
    version: 1,
    state: c.to === 'firing' ? 'firing' : 'resolved',
    rule: { id: c.rule.id, name: c.rule.name, severity: c.rule.severity, kind: c.rule.condition.kind, description: c.rule.description },
    instance: c.labels,
    value: c.value,
    reason: c.reason,
    at: new Date(c.at).toISOString(),
    activeSince: c.activeSince === null ? null : new Date(c.activeSince).toISOString(),
    eventId: c.eventId,
    links: alertLinks(baseUrl, c.rule.id, c.labels),
  };
}

function describeInstance(labels: Record<string, string>): string {
  return Object.entries(labels)
    .filter(([k]) => k !== 'cluster')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** Writes the notification-center row and the webhook outbox rows for one notified change. Call inside a transaction. */
export function enqueueNotifications(db: ConsoleDb, c: AlertChange, baseUrl: string): { webhooks: number } {
  const links = alertLinks(baseUrl, c.rule.id, c.labels);
  const what = describeInstance(c.labels);
  insertNotification(db, {
    at: c.at,
    severity: c.to === 'firing' ? c.rule.severity : 'info',
    title: `${c.to === 'firing' ? 'Firing' : 'Resolved'}: ${c.rule.name}${what ? ` — ${what}` : ''}`,
    body: c.reason,
    link: links.rule,
    source: 'alert',
    eventId: c.eventId,
  });
  let webhooks = 0;
  const payload = JSON.stringify(buildWebhookPayload(c, baseUrl));
  for (const channelId of c.rule.channelIds) {
    const ch = getChannelRow(db, channelId);
    if (!ch || !ch.enabled) continue;
    enqueueDelivery(db, { channelId, eventId: c.eventId, alertKey: `${c.rule.id}|${c.instanceKey}`, payload, at: c.at });
    webhooks++;
  }
  return { webhooks };
}
