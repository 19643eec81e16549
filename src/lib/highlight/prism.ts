// Prism with only the grammars the workshop's pages use: TypeScript and TSX (the labs' code) with
// what those build on or enrich, and the `additionalLanguages` of docusaurus.config.ts (bash,
// json; src/theme/prism-include-languages.ts checks that they are here). The theme's own Prism
// (prism-react-renderer's) carries some forty grammars and twenty colour themes to every page.
import './prism-manual';
import Prism from 'prismjs/components/prism-core';
// In the order prism-react-renderer adds them, so that each grammar finds the ones it extends
// (regular expressions inside JavaScript, doc comments, imports in TSX). CSS, which it adds too,
// would only colour `<style>` and `style="…"` in markup, which no page shows.
import 'prismjs/components/prism-markup';
import 'prismjs/components/prism-regex';
import 'prismjs/components/prism-clike';
import 'prismjs/components/prism-javascript';
import 'prismjs/components/prism-javadoclike';
import 'prismjs/components/prism-typescript';
import 'prismjs/components/prism-jsdoc';
import 'prismjs/components/prism-js-extras';
import 'prismjs/components/prism-jsx';
import 'prismjs/components/prism-tsx';
import 'prismjs/components/prism-bash';
import 'prismjs/components/prism-json';

export default Prism;
