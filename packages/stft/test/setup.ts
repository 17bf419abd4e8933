import { setWasmEnabled } from '../src/wasm/kernel.js';

if (process.env.LOSSES_WASM === 'off') setWasmEnabled(false);
