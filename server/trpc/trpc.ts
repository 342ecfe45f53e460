import { initTRPC } from '@trpc/server';
import { recordAudit } from '../db/audit-log';
import type { Context } from './context';
import { toTRPCError } from './errors';

/** Procedure metadata. */
export interface ProcedureMeta {
  /**
   * The service writes its own, richer audit row on success (e.g. a rule's before/after): the
   * middleware then records only failures, so each action is in the log once.
   */
  auditedByService?: boolean;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  // Stack traces go to the browser only in development (`npm run dev`), whatever NODE_ENV says:
  // `node dist/server/main.js` without NODE_ENV=production would otherwise leak them.
  .create({ isDev: process.env.NEXT_DEV === '1' });

export const router = t.router;

/** Admin failures (AdminError) reach the browser as tRPC errors with their readable message. */
const mapAdminErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped) throw mapped;
  }
  return result;
});

/** Reads: open to every visitor of the console. */
export const readProcedure = t.procedure.use(mapAdminErrors);

/**
 * Mutations: every call is recorded in the audit log (who, what, on which input, whether it worked).
 * Authorisation plugs in here, once, when login arrives.
 */
export const mutateProcedure = t.procedure.use(mapAdminErrors).use(async ({ ctx, path, getRawInput, next, meta }) => {
  const input = await getRawInput();
  const result = await next();
  if (result.ok && meta?.auditedByService) return result;
  const target = auditTarget(input);
  recordAudit(ctx.db, {
    at: Date.now(),
    actor: ctx.actor,
    action: path,
    target,
    details: { input: truncateForAudit(input), ok: result.ok, error: result.ok ? undefined : (toTRPCError(result.error.cause) ?? result.error).message },
  });
  return result;
});

/** What a mutation acted on, from its input: "group / topic / message id / name", whichever are present. */
function auditTarget(input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const i = input as Record<string, unknown>;
  return [i.group, i.topic, i.msgId, i.name].filter((v) => typeof v === 'string' && v !== '').join(' / ');
}

function truncateForAudit(input: unknown): unknown {
  const text = JSON.stringify(input ?? null);
  return text.length > 8_000 ? `${text.slice(0, 8_000)}…` : input;
}
