/**
 * The worker entry of @losses/mss (dist/worker.js): serves the shares of batched calls that
 * threads.ts hands to the pool of `@losses/tensor/internal` (Node `worker_threads` or a Web
 * Worker), on the same kernels as the calling thread.
 */
import { serveTasks } from '@losses/tensor/internal';
import { runShare } from './threads.js';

serveTasks(runShare);
