// Defined as true in the browser bundles only (scripts/build-browser.ts; see src/backend/platform.ts).
declare const SCRATCHNET_BROWSER: true | undefined;
