/**
 * The demo catalog of the demo city (apps/server/demo/catalog.json): the legal bases departments
 * cite for restricted sharing and opening (Art. 18, 20, 24, 27), and about two hundred catalog
 * entries of the city departments, district departments and public-service enterprises of the demo
 * city, covering the five base resources (Art. 19), the topic resources, the priority open domains
 * (Art. 28), every format, update cycle, share type and open type. Contacts mirror the demo city's
 * organisations (the test checks they agree). Only demo data may name Shenyang.
 */
import type { Database } from '../db/database.types.ts';
import type { EntryMetadata } from '../modules/catalog/index.ts';
import { readDemoJson } from './read.ts';

export type LegalBasisKind = Database['legal_bases']['kind'];

export interface DemoLegalBasis {
  key: string;
  /** Title with its book-title marks, e.g. 《中华人民共和国个人信息保护法》. */
  title: string;
  kind: LegalBasisKind;
  /** Article (and paragraph) cited, e.g. 第二十八条 or 第十三条第二款. */
  article: string;
  /** The article text, or a faithful one-sentence summary when `quoteIsSummary`. */
  quote: string;
  quoteIsSummary: boolean;
}

export type DemoEntryState = 'published' | 'draft' | 'submitted';

/** An entry's metadata, citing legal bases by their key in the demo file. */
export type DemoEntryMetadata = Omit<EntryMetadata, 'shareBasisIds' | 'openBasisIds'> & {
  shareBasisKeys: string[];
  openBasisKeys: string[];
};

export interface DemoEntry {
  orgKey: string;
  state: DemoEntryState;
  metadata: DemoEntryMetadata;
}

export interface DemoCatalog {
  /** The licence of every open entry. */
  openLicence: string;
  /**
   * Bases that Chinese departments actually cite for 有条件共享 / 不予共享 / 依申请开放 / 不予开放.
   * Article numbers follow the text in force; where a later amendment renumbered the article, the
   * `article` field says so.
   */
  legalBases: DemoLegalBasis[];
  /**
   * Upkeep (Art. 12) needs something to show: one entry (`citedBy`) still cites a repealed text
   * in place of the basis `replaces`; the basis is loaded inactive.
   */
  repealedBasis: Omit<DemoLegalBasis, 'key'> & { replaces: string; citedBy: string };
  entries: DemoEntry[];
}

export const DEMO_CATALOG_FILE: DemoCatalog = readDemoJson<DemoCatalog>('catalog.json');
export const DEMO_OPEN_LICENCE = DEMO_CATALOG_FILE.openLicence;
export const DEMO_LEGAL_BASES = DEMO_CATALOG_FILE.legalBases;
export const DEMO_CATALOG = DEMO_CATALOG_FILE.entries;
