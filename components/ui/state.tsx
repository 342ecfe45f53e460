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
