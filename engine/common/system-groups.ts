/** RocketMQ's built-in consumer groups (MixAll and the admin tools): not applications. */
export const SYSTEM_GROUPS: ReadonlySet<string> = new Set([
  'TOOLS_CONSUMER',
  'FILTERSRV_CONSUMER',
  'SELF_TEST_C_GROUP',
  'CID_ONS-HTTP-PROXY',
  'CID_ONSAPI_PULL',
  'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER',
  'CID_SYS_RMQ_TRANS',
  'CID_RMQ_SYS_TRANS',
  'CID_DefaultHeartBeatSyncerTopic',
]);
