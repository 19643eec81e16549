// Prism highlights every `code.language-*` element of the document by itself once it loads,
// unless told it is driven by hand. The site's code blocks are React's to render: this runs
// before Prism's core is evaluated (it is imported first) and tells it so.
const scope = globalThis as { Prism?: { manual?: boolean; disableWorkerMessageHandler?: boolean } };
scope.Prism = { ...scope.Prism, manual: true, disableWorkerMessageHandler: true };
