/**
 * KvConfigManager: the name server's namespace → key → value store (PUT/GET/DELETE_KV_CONFIG,
 * GET_KVLIST_BY_NAMESPACE). In memory; RocketMQ persists it to kvConfig.json, which only matters
 * for ORDER_TOPIC_CONFIG and ali-ons/Java clients never require it.
 */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

/** Bounds what admin commands can make the name server hold. */
const KV_NAMESPACES_MAX = 1_024;
const KV_ENTRIES_PER_NAMESPACE_MAX = 100_000;

export class KvConfigManager {
  private readonly table = new Map<string, Map<string, string>>();

  /** False when a bound would be exceeded. */
  put(namespace: string, key: string, value: string): boolean {
    let kv = this.table.get(namespace);
    if (!kv) {
      if (this.table.size >= KV_NAMESPACES_MAX) return false;
      this.table.set(namespace, (kv = new Map()));
    }
    if (!kv.has(key) && kv.size >= KV_ENTRIES_PER_NAMESPACE_MAX) return false;
    kv.set(key, value);
    return true;
  }

  get(namespace: string, key: string): string | undefined {
    return this.table.get(namespace)?.get(key);
  }

  delete(namespace: string, key: string): void {
    const kv = this.table.get(namespace);
    if (!kv) return;
    kv.delete(key);
    if (kv.size === 0) this.table.delete(namespace);
  }

  /** The namespace as a KVTable `table` object, or undefined if empty. */
  list(namespace: string): Record<string, string> | undefined {
    const kv = this.table.get(namespace);
    if (!kv || kv.size === 0) return undefined;
    const out = Object.create(null) as Record<string, string>;
    for (const k of [...kv.keys()].sort()) out[k] = kv.get(k)!;
    return out;
  }
}
