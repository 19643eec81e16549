import type { ResourceProvider } from './resources/provider.ts';

/**
 * Whether a change to `property` replaces the resource rather than updating it in place: the
 * provider's documented replacement properties, or any change for a provider without updates.
 * Updates and change sets both decide with this.
 */
export function requiresReplacement(provider: ResourceProvider, property: string): boolean {
  return Boolean(provider.replaceAlways || !provider.update || provider.replaceOn?.includes(property));
}
