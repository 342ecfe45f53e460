import type { ReactNode } from 'react';

/** Loading and error states used by every data-driven panel. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ title, message }: { title: string; message: string }) {
  return (
    <div className="error-box" role="alert">
      <strong>{title}</strong>
      <div>{message}</div>
    </div>
  );
}

/** What QueryState needs of a React Query result. */
interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: { message: string } | null;
  data: T | undefined;
}

/**
 * A query's panel body: loading, its error, `empty` (a muted line) when `isEmpty` says so — by
 * default an empty array — or `children` with the data.
 */
export function QueryState<T>({ query, what, title, empty, isEmpty, children }: {
  query: QueryLike<T>;
  /** "Loading <what>…" */
  what: string;
  /** Heading of the error box. */
  title: string;
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading what={what} />;
  if (query.isError) return <ErrorBox title={title} message={query.error?.message ?? 'unknown error'} />;
  const data = query.data as T;
  const blank = isEmpty ? isEmpty(data) : Array.isArray(data) && data.length === 0;
  if (empty !== undefined && blank) return <p className="muted">{empty}</p>;
  return <>{children(data)}</>;
}
