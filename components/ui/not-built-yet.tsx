/** Honest placeholder for a console area whose feature has not landed yet. */
export function NotBuiltYet({ area }: { area: string }) {
  return (
    <section className="panel" role="status">
      <h1>{area}</h1>
      <p className="muted">This area of the console is not available in this version of RocketDeck yet.</p>
    </section>
  );
}
