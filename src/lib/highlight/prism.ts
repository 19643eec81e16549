// Prism with only the grammars the workshop's pages use: TypeScript and TSX (the labs' code), and
// what those build on or enrich. Bash and JSON come from Docusaurus's `additionalLanguages`, which it adds to
// this same instance. The theme's own Prism (prism-react-renderer's) carries some forty grammars
// and twenty colour themes on every page.
import './prism-manual';
import Prism from 'prismjs/components/prism-core';
// In the order prism-react-renderer adds them, so that each grammar finds the ones it extends
// (regular expressions inside JavaScript, doc comments, imports in TSX, CSS in its style attributes).
import 'prismjs/components/prism-markup';
import 'prismjs/components/prism-regex';
import 'prismjs/components/prism-clike';
import 'prismjs/components/prism-javascript';
import 'prismjs/components/prism-javadoclike';
import 'prismjs/components/prism-css';
import 'prismjs/components/prism-typescript';
import 'prismjs/components/prism-jsdoc';
import 'prismjs/components/prism-js-extras';
import 'prismjs/components/prism-jsx';
import 'prismjs/components/prism-tsx';

export default Prism;
