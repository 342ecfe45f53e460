/**
 * RocketMQ's built-in groups (MixAll, the admin tools, ONS and the broker's own system groups): not
 * applications, so consoles hide them from group lists and the broker does not trace their pulls.
 * `isSystemGroup` is the one test every list uses; SYSTEM_GROUPS alone misses the prefixed families.
 */
export const SYSTEM_GROUPS: ReadonlySet<string> = new Set([
  // MixAll
  'TOOLS_CONSUMER',
  'FILTERSRV_CONSUMER',
  '__MONITOR_CONSUMER',
  'SCHEDULE_CONSUMER',
  'CLIENT_INNER_PRODUCER',
  'SELF_TEST_C_GROUP',
  'SELF_TEST_P_GROUP',
  'CID_ONS-HTTP-PROXY',
  'CID_ONSAPI_PULL',
  'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER',
  'CID_SYS_RMQ_TRANS',
  'CID_RMQ_SYS_TRANS',
  // RocketMQ 5's heartbeat syncer
  'CID_DefaultHeartBeatSyncerTopic',
]);

/** Families of built-in groups: MixAll.CID_RMQ_SYS_PREFIX (what MixAll.isSysConsumerGroup tests), ONS's CID_ONSAPI_*. */
const SYSTEM_GROUP_PREFIXES = ['CID_RMQ_SYS_', 'CID_ONSAPI_'] as const;

export function isSystemGroup(group: string): boolean {
  return SYSTEM_GROUPS.has(group) || SYSTEM_GROUP_PREFIXES.some((p) => group.startsWith(p));
}
