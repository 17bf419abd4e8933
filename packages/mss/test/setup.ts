import { setWasmEnabled } from '@losses/stft/internal';
import { setWasmPipelineEnabled } from '../src/wasm/pipeline.js';

if (process.env.LOSSES_WASM === 'off') {
  setWasmEnabled(false);
  setWasmPipelineEnabled(false);
}
