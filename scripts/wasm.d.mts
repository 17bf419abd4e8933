/** The bytes of the module in the .wat file at `path`, base64. */
export function assemble(path: string): Promise<string>;
/** The text of src/wasm/module.ts for the base64 bytes of the module assembled from `source`. */
export function moduleSource(base64: string, source: string): string;
