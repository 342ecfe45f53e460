/** Maps the admin layer's failures onto tRPC errors, once, keeping the readable message. */
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/unstable-core-do-not-import';
import { AdminError, type AdminErrorCode } from '../admin/admin-types';
import { AlertInputError } from '../alerts/rule-schema';
import { NotFoundError } from '../alerts/rules-service';

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
  // Alert rules, silences and channels: the validation message lists every problem as "path: message".
  if (err instanceof AlertInputError) return new TRPCError({ code: 'BAD_REQUEST', message: err.message, cause: err });
  if (err instanceof NotFoundError) return new TRPCError({ code: 'NOT_FOUND', message: err.message, cause: err });
  return undefined;
}
