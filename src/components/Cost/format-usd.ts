/** Dollars a learner can read: `$0.000042` for fractions of a cent, `$1.23` above a dollar. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  // Three significant digits below a dollar, never fewer than two decimals.
  const digits = Math.max(2, Math.min(10, Math.ceil(-Math.log10(usd)) + 2));
  return `$${usd.toFixed(digits).replace(/(\.\d{2,}?)0+$/, '$1')}`;
}
