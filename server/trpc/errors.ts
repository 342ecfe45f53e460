/** Maps the admin layer's failures onto tRPC errors, once, keeping the readable message. */
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
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

/** An input that failed validation, one line per problem: "field: what is wrong". */
export function readableZodMessage(err: ZodError): string {
  return err.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

export function toTRPCError(err: unknown): TRPCError | undefined {
  // tRPC's own message for a bad input is the issues as JSON; users see this message.
  if (err instanceof ZodError) return new TRPCError({ code: 'BAD_REQUEST', message: readableZodMessage(err), cause: err });
  if (err instanceof AdminError) return new TRPCError({ code: CODE[err.code], message: err.message, cause: err });
  // Alert rules, silences and channels: the validation message lists every problem as "path: message".
  if (err instanceof AlertInputError) return new TRPCError({ code: 'BAD_REQUEST', message: err.message, cause: err });
  if (err instanceof NotFoundError) return new TRPCError({ code: 'NOT_FOUND', message: err.message, cause: err });
  return undefined;
}
