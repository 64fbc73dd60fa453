import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Legal bases kept by the authority, cited by restrictive share and open types (Art. 18, 24, 27).
  await db.schema
    .createTable('legal_bases')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('law', 'administrative_regulation', 'local_regulation', 'rule', 'normative_document')`,
        ),
    )
    .addColumn('article', 'text', (c) => c.notNull())
    .addColumn('quote', 'text', (c) => c.notNull())
    .addColumn('quote_is_summary', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('legal_bases_title_article_uq')
    .on('legal_bases')
    .columns(['title', 'article'])
    .unique()
    .execute();

  // One row per data resource; its versions hold the metadata.
  await db.schema
    .createTable('catalog_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // Assigned at first publication, never changed afterwards.
    .addColumn('code', 'text', (c) => c.unique())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('published_version_id', 'uuid')
    .addColumn('working_version_id', 'uuid')
    .addColumn('first_published_at', 'timestamptz')
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('catalog_entries_org_idx').on('catalog_entries').column('org_id').execute();

  // Resource codes: 前段码 (classification) / 后段码 (sequence within it).
  await db.schema
    .createTable('catalog_code_sequences')
    .addColumn('prefix', 'text', (c) => c.primaryKey())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('catalog_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('entry_id', 'uuid', (c) => c.notNull().references('catalog_entries.id'))
    .addColumn('version_no', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('draft', 'submitted', 'returned', 'published', 'superseded')`),
    )
    .addColumn('metadata', 'jsonb', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('classification', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('share_type', 'text', (c) => c.notNull())
    .addColumn('open_type', 'text', (c) => c.notNull())
    .addColumn('update_cycle', 'text', (c) => c.notNull())
    .addColumn('domains', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('search', sql`tsvector`)
    .addColumn('duplicate_justification', 'text')
    .addColumn('review_comment', 'text')
    .addColumn('field_comments', 'jsonb')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('submitted_by', 'uuid')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('reviewed_by', 'uuid')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('published_at', 'timestamptz')
    .addUniqueConstraint('catalog_versions_entry_no_uq', ['entry_id', 'version_no'])
    .execute();
  await db.schema
    .createIndex('catalog_versions_state_idx')
    .on('catalog_versions')
    .columns(['state', 'entry_id'])
    .execute();
  await sql`create index catalog_versions_search_idx on catalog_versions using gin (search)`.execute(db);
  await sql`create index catalog_versions_domains_idx on catalog_versions using gin (domains)`.execute(db);

  // Data items of each version, flattened for the duplicate-collection check (Art. 14).
  await db.schema
    .createTable('catalog_version_items')
    .addColumn('version_id', 'uuid', (c) => c.notNull().references('catalog_versions.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('concept', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalog_version_items_pk', ['version_id', 'position'])
    .execute();
  await db.schema
    .createIndex('catalog_version_items_concept_idx')
    .on('catalog_version_items')
    .column('concept')
    .execute();

  await db.schema
    .createTable('catalog_version_bases')
    .addColumn('version_id', 'uuid', (c) => c.notNull().references('catalog_versions.id').onDelete('cascade'))
    .addColumn('legal_basis_id', 'uuid', (c) => c.notNull().references('legal_bases.id'))
    .addColumn('applies_to', 'text', (c) => c.notNull().check(sql`applies_to in ('share', 'open')`))
    .addPrimaryKeyConstraint('catalog_version_bases_pk', ['version_id', 'legal_basis_id', 'applies_to'])
    .execute();

  // In-app notifications, addressed to an organisation's holders of a role (or one account).
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('role', 'text')
    .addColumn('account_id', 'uuid', (c) => c.references('accounts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title_zh', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('notifications_org_role_idx')
    .on('notifications')
    .columns(['org_id', 'role'])
    .execute();
  await db.schema
    .createTable('notification_reads')
    .addColumn('notification_id', 'uuid', (c) =>
      c.notNull().references('notifications.id').onDelete('cascade'),
    )
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('read_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('notification_reads_pk', ['notification_id', 'account_id'])
    .execute();
}
