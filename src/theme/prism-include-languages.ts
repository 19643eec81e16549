// Docusaurus adds docusaurus.config.ts's `additionalLanguages` to the code blocks' Prism here, from
// a `require` that bundles every grammar it might name, and a PHP helper whatever the list. The
// site's Prism (src/lib/highlight/prism.ts) already has the grammars: this only checks that the
// config asks for none it lacks, so that a language added there fails the build instead of
// showing as plain text.
import siteConfig from '@generated/docusaurus.config';
import type * as PrismNamespace from 'prismjs';

export default function prismIncludeLanguages(prism: typeof PrismNamespace): void {
  const { additionalLanguages = [] } = (siteConfig.themeConfig.prism ?? {}) as { additionalLanguages?: string[] };
  const missing = additionalLanguages.filter((language) => !(language in prism.languages));
  if (missing.length > 0)
    throw new Error(
      `docusaurus.config.ts highlights ${missing.join(', ')}, which src/lib/highlight/prism.ts does not load: import its grammar there.`,
    );
}
