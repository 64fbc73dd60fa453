/**
 * The catalog's domain vocabulary, after the national 《政务信息资源目录编制指南（试行）》 and the
 * regulation (Art. 18, 19, 24, 28). Codes are English in the API, labels Chinese and English.
 */

export const CLASSIFICATIONS = ['base', 'topic', 'department'] as const;
/** 资源属性: 基础 / 主题 / 部门. */
export type Classification = (typeof CLASSIFICATIONS)[number];

export const BASE_KINDS = [
  'population',
  'legal_entity',
  'natural_resources_geo',
  'social_credit',
  'e_licence',
] as const;
/** The five base resources (Art. 19): 人口, 法人单位, 自然资源和空间地理, 社会信用, 电子证照. */
export type BaseKind = (typeof BASE_KINDS)[number];

export const FORMATS = [
  'file',
  'spreadsheet',
  'database',
  'image',
  'stream',
  'self_describing',
  'service',
] as const;
/** 资源格式: 电子文件, 电子表格, 数据库, 图形图像, 流媒体, 自描述格式, 服务接口. */
export type ResourceFormat = (typeof FORMATS)[number];

export const SHARE_TYPES = ['unconditional', 'conditional', 'none'] as const;
/** 共享类型: 无条件共享, 有条件共享, 不予共享 (Art. 18). */
export type ShareType = (typeof SHARE_TYPES)[number];

export const SHARE_METHODS = ['platform_database', 'platform_file', 'platform_api', 'other'] as const;
/** 共享方式: 共享平台方式 (数据库 / 文件 / 接口) or other means. */
export type ShareMethod = (typeof SHARE_METHODS)[number];

export const OPEN_TYPES = ['open', 'on_application', 'closed'] as const;
/** 开放类型: 无条件开放, 依申请开放, 不予开放 (Art. 24). */
export type OpenType = (typeof OPEN_TYPES)[number];

export const UPDATE_CYCLES = [
  'realtime',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'half_yearly',
  'yearly',
] as const;
/** 更新周期: 实时, 每日, 每周, 每月, 每季度, 每半年, 每年. */
export type UpdateCycle = (typeof UPDATE_CYCLES)[number];

export const PRIORITY_DOMAINS = [
  '信用',
  '交通',
  '医疗',
  '就业',
  '社保',
  '教育',
  '环境',
  '气象',
  '企业登记监管',
] as const;
/** Domains whose data opens first (Art. 28). Other domains are free text. */
export type PriorityDomain = (typeof PRIORITY_DOMAINS)[number];

export const DATA_TYPES = [
  'string',
  'integer',
  'decimal',
  'date',
  'datetime',
  'boolean',
  'id_number',
  'credit_code',
  'phone',
  'geometry',
  'binary',
] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** 信息项: one field of a resource. */
export interface DataItem {
  /** Machine name, e.g. `id_number`. */
  name: string;
  /** Chinese label, e.g. 公民身份号码. */
  label: string;
  dataType: DataType;
  length: number | null;
  required: boolean;
  /** 1 public … 4 most sensitive. */
  sensitivity: 1 | 2 | 3 | 4;
  description: string | null;
}

/** The metadata of one version of a catalog entry. */
export interface EntryMetadata {
  name: string;
  abstract: string;
  classification: Classification;
  /** For base resources: which of the five. */
  baseKind: BaseKind | null;
  /** 类 / 项 / 目 / 细目 of the classification, as text (e.g. 主题 / 社会保障 / 养老保险 / null). */
  category: { l1: string; l2: string | null; l3: string | null; l4: string | null };
  format: ResourceFormat;
  dataItems: DataItem[];
  shareType: ShareType;
  shareCondition: string | null;
  shareMethod: ShareMethod;
  openType: OpenType;
  openCondition: string | null;
  updateCycle: UpdateCycle;
  /** Related resource codes. */
  relatedCodes: string[];
  domains: string[];
  keywords: string[];
  spatialExtent: string | null;
  licence: string | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  /** Legal bases cited for the share restriction (不予共享 / 有条件共享) and the open restriction (依申请开放 / 不予开放). */
  shareBasisIds: string[];
  openBasisIds: string[];
}
