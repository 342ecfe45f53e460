import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countUnreadNotifications, insertNotification, listNotifications, markNotificationsRead } from './notification-rows';
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
