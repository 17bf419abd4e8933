/**
 * Stands in for a workspace package whose `dist/` was not built when the site was built (see
 * `resolve.alias` in config.ts). A figure that imports it sees `__missing` and says so instead of
 * drawing anything.
 */
export const __missing = true;
