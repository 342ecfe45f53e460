/**
 * GrpcValidator: the proxy's checks of names and durations, with its status codes and messages.
 * Each check throws GrpcProxyError; the RPC edge answers it as the response's status.
 */
import { isSystemGroup } from '../common/system-groups';
import { isSystemTopic, isTopicOrGroupIllegal, validateTopic as checkTopicName } from '../common/topic-validator';
import { GrpcProxyError } from './grpc-status';
import type { Resource } from './proto-types';

/** Longest group name (Validators.CHARACTER_MAX_LENGTH). */
const groupNameCharsMax = 255;

export function validateTopic(topic: Resource | null | undefined): string {
  const name = topic?.name ?? '';
  const checked = checkTopicName(name);
  if (!checked.valid) throw new GrpcProxyError('ILLEGAL_TOPIC', checked.remark);
  if (isSystemTopic(name)) throw new GrpcProxyError('ILLEGAL_TOPIC', `cannot access system topic ${name}`);
  return name;
}

export function validateConsumerGroup(group: Resource | null | undefined): string {
  const name = group?.name ?? '';
  if (name.trim() === '') throw new GrpcProxyError('ILLEGAL_CONSUMER_GROUP', 'the specified group is blank');
  if (name.length > groupNameCharsMax) throw new GrpcProxyError('ILLEGAL_CONSUMER_GROUP', `the specified group is longer than group max length ${groupNameCharsMax}`);
  if (isTopicOrGroupIllegal(name)) {
    throw new GrpcProxyError('ILLEGAL_CONSUMER_GROUP', `the specified group[${name}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`);
  }
  if (isSystemGroup(name)) throw new GrpcProxyError('ILLEGAL_CONSUMER_GROUP', `cannot use system consumer group ${name}`);
  return name;
}

export function validateInvisibleTime(invisibleMs: number, minMs: number, maxMs: number): void {
  if (invisibleMs < minMs) throw new GrpcProxyError('ILLEGAL_INVISIBLE_TIME', `the invisibleTime is too small. min is ${minMs}`);
  if (invisibleMs > maxMs) throw new GrpcProxyError('ILLEGAL_INVISIBLE_TIME', `the invisibleTime is too large. max is ${maxMs}`);
}

/** Java's Character.isISOControl: C0 controls and DEL..U+009F. */
export function containsControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

export function validateTag(tag: string): void {
  if (tag === '') return;
  if (tag.trim() === '') throw new GrpcProxyError('ILLEGAL_MESSAGE_TAG', 'tag cannot be the char sequence of whitespace');
  if (tag.includes('|')) throw new GrpcProxyError('ILLEGAL_MESSAGE_TAG', "tag cannot contain '|'");
  if (containsControlCharacter(tag)) throw new GrpcProxyError('ILLEGAL_MESSAGE_TAG', 'tag cannot contain control character');
}
