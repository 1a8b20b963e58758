/** Loading a user's own modules (`--import`). @module */
export { ImportError, loadImports, resolveImport } from './imports.js';
