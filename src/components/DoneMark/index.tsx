/** The ✓ before a finished step or lab in the sidebar, read out as "done". */
export default function DoneMark({ what }: { what: 'step' | 'lab' }) {
  return (
    <span className="sidebar-done-mark" data-testid={`sidebar-done-${what}`}>
      <span aria-hidden="true">✓ </span>
      <span className="sr-only">(done) </span>
    </span>
  );
}
