import {
  createDcLoss,
  createEsrLoss,
  createL1Loss,
  createLogCoshLoss,
  createMseLoss,
  createSdSdrLoss,
  createSiSdrLoss,
  createSnrLoss,
  type WaveformLoss,
} from '../../src/index.js';

/** The loss names the golden vectors use, with their factories. */
export const factories = {
  l1: createL1Loss,
  mse: createMseLoss,
  esr: createEsrLoss,
  dc: createDcLoss,
  logCosh: createLogCoshLoss,
  snr: createSnrLoss,
  siSdr: createSiSdrLoss,
  sdSdr: createSdSdrLoss,
} as const;

export type LossName = keyof typeof factories;

export const lossNames = Object.keys(factories) as LossName[];

/** Plans `name` with `options` (typed loosely, as the fixtures store them). */
export function plan(name: LossName, options: Record<string, unknown> = {}): WaveformLoss<unknown> {
  return (factories[name] as (o: unknown) => WaveformLoss<unknown>)(options);
}
