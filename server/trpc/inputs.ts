/** Bounded zod schemas shared by the routers. */
import { z } from 'zod';
import { reservedTopicNameProblem } from '../admin/topics';

export const clusterName = z.string().min(1).max(64).optional();
export const topicName = z
  .string()
  .min(1, 'topic name is empty')
  .max(127, 'topic name is longer than 127 characters')
  .regex(/^[%|a-zA-Z0-9_-]+$/, 'topic name may only contain letters, digits, %, |, - and _');
/** A topic the console creates: not one of the names RocketMQ reserves for groups (%RETRY%, %DLQ%). */
export const newTopicName = topicName.superRefine((name, ctx) => {
  const problem = reservedTopicNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
/** Retry and DLQ topics are longer (%RETRY% + group). */
export const anyTopicName = z.string().min(1).max(255).regex(/^[%|a-zA-Z0-9_-]+$/, 'not a valid topic name');
export const groupName = z
  .string()
  .min(1, 'group name is empty')
  .max(255)
  .regex(/^[%|a-zA-Z0-9_-]+$/, 'group name may only contain letters, digits, %, |, - and _');
export const msgId = z.string().min(1).max(128).regex(/^[0-9A-Fa-f]+$/, 'a message id is hexadecimal');
export const timestamp = z.number().int().min(0).max(8_640_000_000_000_000);
export const queueNums = z.number().int().min(1, 'at least 1 queue').max(1024, 'at most 1024 queues');
export const perm = z.number().int().refine((p) => [2, 4, 6].includes(p), 'perm is 2 (write), 4 (read) or 6 (read+write)');
