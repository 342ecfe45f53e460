import { initTRPC } from '@trpc/server';
import type { Context } from './context';

const t = initTRPC.context<Context>().create();

export const router = t.router;
/** Reads: open to every visitor of the console. */
export const readProcedure = t.procedure;
/**
 * Mutations. Kept a separate building block from reads so that authorisation and the audit log plug in
 * here, once, when login arrives.
 */
export const mutateProcedure = t.procedure;
