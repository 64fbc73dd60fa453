/**
 * The labels of the API's value lists, from the contract (one source for the server's Excel files
 * and messages and for these screens), as dictionary entries: `catalog.shareType.none` → 不予共享.
 */
import {
  ACCOUNT_STATUS_LABELS,
  ACTOR_KIND_LABELS,
  AUDIT_RESULT_LABELS,
  BASE_KIND_LABELS,
  CLASSIFICATION_LABELS,
  CONNECTOR_KIND_LABELS,
  CONNECTOR_RUN_STATE_LABELS,
  CONNECTOR_RUN_TRIGGER_LABELS,
  CONNECTOR_SCHEDULE_LABELS,
  DATA_TYPE_LABELS,
  DATA_VERSION_SOURCE_LABELS,
  DATA_VERSION_STATE_LABELS,
  DAY_SOURCE_LABELS,
  DIVISION_KIND_LABELS,
  FORMAT_LABELS,
  LEGAL_BASIS_KIND_LABELS,
  OPEN_TYPE_LABELS,
  ORG_KIND_LABELS,
  ORG_LEVEL_LABELS,
  PROBLEM_KIND_LABELS,
  PUBLIC_TYPE_LABELS,
  ROLE_LABELS,
  SENSITIVITY_LABELS,
  SEVERITY_LABELS,
  SHARE_METHOD_LABELS,
  SHARE_TYPE_LABELS,
  SOURCE_ENCODING_LABELS,
  UPDATE_CYCLE_LABELS,
  UPKEEP_STATUS_LABELS,
  VALIDATION_RULE_LABELS,
  VERSION_STATE_LABELS,
  type Labels,
} from '@huitong/contract/values';

type Language = 'zh' | 'en';

function entries<P extends string, V extends string | number>(
  prefix: P,
  labels: Labels<V>,
  language: Language,
): Record<`${P}.${V}`, string> {
  return Object.fromEntries(
    Object.entries<{ zh: string; en: string }>(labels).map(([value, label]) => [
      `${prefix}.${value}`,
      label[language],
    ]),
  ) as Record<`${P}.${V}`, string>;
}

/** Every value-list label in one language, keyed as the dictionaries key them. */
export function valueLabels(language: Language) {
  return {
    ...entries('catalog.classification', CLASSIFICATION_LABELS, language),
    ...entries('catalog.baseKind', BASE_KIND_LABELS, language),
    ...entries('catalog.format', FORMAT_LABELS, language),
    ...entries('catalog.shareType', SHARE_TYPE_LABELS, language),
    ...entries('catalog.shareMethod', SHARE_METHOD_LABELS, language),
    ...entries('catalog.openType', OPEN_TYPE_LABELS, language),
    ...entries('catalog.updateCycle', UPDATE_CYCLE_LABELS, language),
    ...entries('catalog.dataType', DATA_TYPE_LABELS, language),
    ...entries('catalog.sensitivity', SENSITIVITY_LABELS, language),
    ...entries('catalog.state', VERSION_STATE_LABELS, language),
    ...entries('catalog.basisKind', LEGAL_BASIS_KIND_LABELS, language),
    ...entries('catalog.upkeep.status', UPKEEP_STATUS_LABELS, language),
    ...entries('role', ROLE_LABELS, language),
    ...entries('org.kind', ORG_KIND_LABELS, language),
    ...entries('org.level', ORG_LEVEL_LABELS, language),
    ...entries('division.kind', DIVISION_KIND_LABELS, language),
    ...entries('account.status', ACCOUNT_STATUS_LABELS, language),
    ...entries('publicType', PUBLIC_TYPE_LABELS, language),
    ...entries('audit.actorKind', ACTOR_KIND_LABELS, language),
    ...entries('audit.result', AUDIT_RESULT_LABELS, language),
    ...entries('calendar.source', DAY_SOURCE_LABELS, language),
    ...entries('provision.encoding', SOURCE_ENCODING_LABELS, language),
    ...entries('provision.state', DATA_VERSION_STATE_LABELS, language),
    ...entries('provision.source', DATA_VERSION_SOURCE_LABELS, language),
    ...entries('provision.rule', VALIDATION_RULE_LABELS, language),
    ...entries('connectors.kind', CONNECTOR_KIND_LABELS, language),
    ...entries('connectors.schedule', CONNECTOR_SCHEDULE_LABELS, language),
    ...entries('connectors.runs.state', CONNECTOR_RUN_STATE_LABELS, language),
    ...entries('connectors.runs.trigger', CONNECTOR_RUN_TRIGGER_LABELS, language),
    ...entries('provision.quality.kind', PROBLEM_KIND_LABELS, language),
    ...entries('provision.quality.severity', SEVERITY_LABELS, language),
  };
}
