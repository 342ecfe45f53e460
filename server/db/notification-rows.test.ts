import assert from 'node:assert/strict';
import { test } from 'node:test';
import { insertEvent, pruneAlertHistory } from './alert-rows';
import { countUnreadNotifications, enqueueDelivery, insertChannel, insertNotification, listDeliveries, listNotifications, markNotificationsRead, recordAttempt } from './notification-rows';
import { openTempConsoleDb } from './temp-console-db';

test('notification center: newest first, unread count, mark some or all read', () => {
  const t = openTempConsoleDb();
  try {
    const ids = [1, 2, 3].map((i) => insertNotification(t.db, { at: i, severity: 'warning', title: `n${i}`, body: '', link: null, source: 'alert', eventId: null }));
    assert.deepEqual(listNotifications(t.db).map((n) => n.title), ['n3', 'n2', 'n1']);
    assert.equal(countUnreadNotifications(t.db), 3);
    assert.equal(markNotificationsRead(t.db, 10, [ids[0]!]), 1);
    assert.deepEqual(listNotifications(t.db, { unreadOnly: true }).map((n) => n.title), ['n3', 'n2']);
    assert.equal(markNotificationsRead(t.db, 11), 2);
    assert.equal(countUnreadNotifications(t.db), 0);
    assert.equal(listNotifications(t.db, { limit: 1, before: ids[2] })[0]?.readAt, 11);
  } finally {
    t.cleanup();
  }
});

test('pruneAlertHistory drops old events, notifications and finished deliveries, keeps pending ones', () => {
  const t = openTempConsoleDb();
  try {
    const ch = insertChannel(t.db, { name: 'c', type: 'webhook', config: {}, enabled: true, at: 0 });
    for (const at of [10, 20, 30]) {
      insertNotification(t.db, { at, severity: 'info', title: 't', body: '', link: null, source: 'alert', eventId: null });
      insertEvent(t.db, { ruleId: 1, ruleName: 'r', instanceKey: 'k', labels: {}, fromState: 'inactive', toState: 'firing', at, value: null, reason: '', silenced: false });
      const d = enqueueDelivery(t.db, { channelId: ch, eventId: 1, alertKey: 'k', payload: '{}', at });
      if (at !== 20) recordAttempt(t.db, { deliveryId: d, at, durationMs: 1, httpStatus: 200, error: null, outcome: { status: 'delivered', nextAttemptAt: at } });
    }
    assert.deepEqual(pruneAlertHistory(t.db, 25), { events: 2, notifications: 2, deliveries: 1 });
    assert.deepEqual(listDeliveries(t.db).map((d) => [d.createdAt, d.status]), [[30, 'delivered'], [20, 'pending']]);
  } finally {
    t.cleanup();
  }
});
