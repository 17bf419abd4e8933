// The Emscripten factory of @echogarden/pffft-wasm (untyped): resolves to the module's exports.
declare module '@echogarden/pffft-wasm/simd' {
  const factory: () => Promise<unknown>;
  export default factory;
}
