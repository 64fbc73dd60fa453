/**
 * The catalog's domain vocabulary, after the national 《政务信息资源目录编制指南（试行）》 and the
 * regulation (Art. 18, 19, 24, 28): the contract's value lists and metadata (packages/contract),
 * re-exported for the catalog's own files.
 */
export {
  BASE_KINDS,
  CLASSIFICATIONS,
  DATA_TYPES,
  FORMATS,
  OPEN_TYPES,
  PRIORITY_DOMAINS,
  SHARE_METHODS,
  SHARE_TYPES,
  UPDATE_CYCLES,
} from '@huitong/contract/values';
export type {
  BaseKind,
  Classification,
  DataType,
  OpenType,
  PriorityDomain,
  ResourceFormat,
  ShareMethod,
  ShareType,
  UpdateCycle,
} from '@huitong/contract/values';
export type { DataItem, EntryMetadata } from '@huitong/contract/catalog';
