/** Public entry of the name server package. */
export { NameServer, type NameServerOptions } from './name-server';
export { RouteInfoManager, MASTER_ID, type RegisterBrokerRequest, type RegisterBrokerResult } from './route-info-manager';
export { KvConfigManager, NAMESPACE_ORDER_TOPIC_CONFIG } from './kv-config-manager';
