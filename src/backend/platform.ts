// Where the library runs.
//
// The browser bundles (scripts/build-browser.ts) are built with the global SCRATCHNET_BROWSER
// defined as true. Each Node-only path is guarded by `typeof SCRATCHNET_BROWSER === 'undefined'`
// written in its `if` itself: esbuild folds that to false while it parses the file, so the branch
// and its import('node:…') are gone before imports are resolved, and a page's bundler (esbuild,
// webpack for the web, Vite) never meets a Node module. (A constant from this module would be
// folded only after resolution: too late.) Outside the bundles the global is undefined and
// `isNode` decides.

/**
 * Whether this is Node or a runtime that provides its `process` (Bun, Deno).
 *
 * @internal
 * @example
 * ```ts
 * isNode; // true (the examples run in Node)
 * ```
 */
export const isNode: boolean = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
