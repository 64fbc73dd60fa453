import type { Migration } from 'kysely';
import * as m0001 from './0001_create_orgs.ts';
import * as m0002 from './0002_create_audit_log.ts';
import * as m0003 from './0003_create_calendar.ts';
import * as m0004 from './0004_create_catalog.ts';
import * as m0005 from './0005_catalog_upkeep.ts';
import * as m0006 from './0006_catalog_search_state.ts';
import * as m0007 from './0007_create_provision.ts';
import * as m0008 from './0008_create_connectors.ts';
import * as m0009 from './0009_upload_sessions.ts';
import * as m0010 from './0010_push_sessions.ts';
import * as m0011 from './0011_provision_quality.ts';
import * as m0012 from './0012_sign_in_throttle.ts';
import * as m0013 from './0013_connector_error_details.ts';
import * as m0015 from './0015_unchanged_data.ts';
import * as m0016 from './0016_version_retention.ts';
import * as m0017 from './0017_catalog_search_tokenizer.ts';

/** Every migration, in order. Append only: a committed migration is never edited. */
export const migrations: Record<string, Migration> = {
  '0001_create_orgs': m0001,
  '0002_create_audit_log': m0002,
  '0003_create_calendar': m0003,
  '0004_create_catalog': m0004,
  '0005_catalog_upkeep': m0005,
  '0006_catalog_search_state': m0006,
  '0007_create_provision': m0007,
  '0008_create_connectors': m0008,
  '0009_upload_sessions': m0009,
  '0010_push_sessions': m0010,
  '0011_provision_quality': m0011,
  '0012_sign_in_throttle': m0012,
  '0013_connector_error_details': m0013,
  '0015_unchanged_data': m0015,
  '0016_version_retention': m0016,
  '0017_catalog_search_tokenizer': m0017,
};
