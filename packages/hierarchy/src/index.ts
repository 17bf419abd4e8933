/**
 * @packageDocumentation
 * Class hierarchies and hierarchical multi-label classification losses on ndarrays: BCE with the
 * bottom-up and top-down consistency terms of Krause & Muller (ICASSP 2022; IEEE/ACM TASLP 31,
 * 2023), bottom-up aggregation (strategy B), and the MCM/MCLoss of C-HMCNN (Giunchiglia &
 * Lukasiewicz, NeurIPS 2020). TensorFlow.js ops live in `@losses/hierarchy/tfjs`.
 */
export {
  defineHierarchy,
  type Hierarchy,
  type HierarchyEdge,
  type HierarchyOptions,
  type HierarchySpec,
  type HierarchyTables,
  isHierarchy,
  type NestedHierarchy,
} from './hierarchy.js';
export type {
  HierarchicalLossOptions,
  InputOptions,
  ResolvedHierarchicalOptions,
} from './inputs.js';
export {
  bceLoss,
  bceLossValueAndGrad,
  bottomUpLoss,
  bottomUpLossValueAndGrad,
  createHierarchicalLoss,
  type HierarchicalLoss,
  type HierarchicalParts,
  type HierarchicalValueAndGrad,
  hierarchicalLoss,
  hierarchicalLossValueAndGrad,
  mcLoss,
  mcLossValueAndGrad,
  topDownLoss,
  topDownLossValueAndGrad,
  type ValueAndGrad,
} from './losses.js';
export {
  aggregateBottomUp,
  aggregateBottomUpVjp,
  maxConstraint,
  maxConstraintVjp,
  propagateLabels,
} from './operators.js';
export { hierarchies, hierarchySpecs } from './presets.js';
