// The search documents the local-search plugin writes when the site builds (see src/plugins/local-search.ts).
declare module '@generated/local-search/default/search-documents.json' {
  const documents: import('../../plugins/local-search.ts').SearchDocument[];
  export default documents;
}
