/** The module's bytes, base64, assembled from wasm/stft.wat. */
export function assemble(): Promise<string>;
/** The text of src/wasm/module.ts for the given base64 bytes. */
export function moduleSource(base64: string): string;
