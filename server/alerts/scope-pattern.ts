/**
 * Scope patterns: a RocketMQ name (cluster, topic, group: letters, digits, `_ - % |`) where `*` matches any run of
 * characters. Compiled to an anchored RegExp once; there is nothing else special, so a pattern can never be a regex
 * injection and `%DLQ%*` or `%RETRY%*` mean what they say.
 */

/** RocketMQ's topic/group character set (TopicValidator) plus the `*` wildcard. */
export const SCOPE_PATTERN_RE = /^[A-Za-z0-9_\-%|*]+$/;
/** RocketMQ's topic name limit; a pattern longer than any name is surely a mistake. */
export const SCOPE_PATTERN_CHARS_MAX = 127;

const cache = new Map<string, RegExp>();
const CACHE_MAX = 1_000;

export function compilePattern(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[|]/g, '\\|'))
      .join('.*');
    re = new RegExp(`^${body}$`, 's');
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** True when `value` matches `pattern`; an absent pattern matches anything. */
export function matchesPattern(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined || pattern === '*') return true;
  if (value === undefined) return false;
  return compilePattern(pattern).test(value);
}
