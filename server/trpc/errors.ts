/** Maps the admin layer's failures onto tRPC errors, once, keeping the readable message. */
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/unstable-core-do-not-import';
import { AdminError, type AdminErrorCode } from '../admin/admin-types';

const CODE: Record<AdminErrorCode, TRPC_ERROR_CODE_KEY> = {
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'CONFLICT',
  INVALID: 'BAD_REQUEST',
  UNREACHABLE: 'BAD_GATEWAY',
  TIMEOUT: 'GATEWAY_TIMEOUT',
  BROKER_ERROR: 'BAD_GATEWAY',
};

export function toTRPCError(err: unknown): TRPCError | undefined {
  if (err instanceof AdminError) return new TRPCError({ code: CODE[err.code], message: err.message, cause: err });
  return undefined;
}
