/** The ride of the lab's examples: Berlin to Frankfurt, long and expensive. */
export const SAMPLE_RIDE = { from: 'Berlin', to: 'Frankfurt', duration: 420, distance: 600, customer: 'cmr', fare: 256.5 };
