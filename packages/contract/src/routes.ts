/**
 * The route table: every route of the HTTP API by `METHOD /path`, with the schemas of its path
 * parameters, query, headers, body and answers (success answers and answers with a body of their
 * own; problem+json answers are common to all routes and not listed).
 *
 * The server declares each route with these schemas (a test checks that every registered route is
 * here with the very same schema objects); the web's client is typed by this table, so a route or
 * an answer the web uses and the server changes fails the web's typecheck.
 */
import { Type, type Static, type TSchema } from 'typebox';
import * as catalog from './catalog.ts';
import { IdParams, NoContent } from './common.ts';
import * as org from './org.ts';
import * as platform from './platform.ts';
import * as provision from './provision.ts';
import * as quality from './quality.ts';
import * as security from './security.ts';

/** A file answered or sent as is (not JSON). */
export interface FileBody {
  readonly file: true;
}
export const FileResponse = Type.Unsafe<FileBody>({
  type: 'string',
  format: 'binary',
  description: 'A file',
});
/** An answer streamed as NDJSON lines (see IngestProgressLine). */
export const NdjsonResponse = Type.Unsafe<FileBody>({
  type: 'string',
  description: 'With Accept: application/x-ndjson: progress lines, then the result line',
});

/** The schemas of one route. */
export interface RouteSchemas {
  params?: TSchema;
  querystring?: TSchema;
  headers?: TSchema;
  body?: TSchema;
  /** The body is sent as is (a file), not as JSON. */
  rawBody?: true;
  response: Partial<Record<number, TSchema>>;
}

export const routes = {
  // ---------- platform ----------
  'GET /api/health': { response: { 200: platform.Health } },
  'GET /api/calendar/days': { querystring: platform.DaysQuery, response: { 200: platform.DaysResponse } },
  'GET /api/calendar/deadline': {
    querystring: platform.DeadlineQuery,
    response: { 200: platform.DeadlineResponse },
  },
  'GET /api/calendar/overrides': { response: { 200: platform.OverrideList } },
  'PUT /api/calendar/overrides/:date': {
    params: platform.DateParams,
    body: platform.OverrideBody,
    response: { 200: platform.Override },
  },
  'DELETE /api/calendar/overrides/:date': { params: platform.DateParams, response: { 204: NoContent } },
  'GET /api/calendar/years': { response: { 200: platform.YearList } },
  'PUT /api/calendar/years/:year': {
    params: platform.YearParams,
    body: platform.YearBody,
    response: { 200: platform.CalendarYear },
  },
  'DELETE /api/calendar/years/:year': { params: platform.YearParams, response: { 204: NoContent } },

  // ---------- sign-in ----------
  'POST /api/auth/sign-in': { body: org.SignInBody, response: { 200: org.Me } },
  'POST /api/auth/register': { body: org.RegisterBody, response: { 201: org.Me } },
  'POST /api/auth/sign-out': { response: { 204: NoContent } },
  'GET /api/auth/me': { response: { 200: org.Me } },
  'GET /api/auth/session': { response: { 200: org.CurrentSession } },
  'POST /api/auth/password': { body: org.ChangePasswordBody, response: { 204: NoContent } },

  // ---------- organisations, accounts, credentials ----------
  'GET /api/roles': { response: { 200: org.RoleList } },
  'GET /api/divisions': { response: { 200: org.DivisionList } },
  'POST /api/divisions': { body: org.CreateDivisionBody, response: { 201: org.Division } },
  'PATCH /api/divisions/:code': {
    params: org.DivisionParams,
    body: org.UpdateDivisionBody,
    response: { 200: org.Division },
  },
  'GET /api/organisations': { querystring: org.ListOrgsQuery, response: { 200: org.OrganisationPage } },
  'GET /api/organisations/:id': { params: IdParams, response: { 200: org.Organisation } },
  'POST /api/organisations': { body: org.CreateOrgBody, response: { 201: org.Organisation } },
  'PATCH /api/organisations/:id': {
    params: IdParams,
    body: org.UpdateOrgBody,
    response: { 200: org.Organisation },
  },
  'GET /api/accounts': { querystring: org.ListAccountsQuery, response: { 200: org.AccountPage } },
  'GET /api/accounts/:id': { params: IdParams, response: { 200: org.Account } },
  'POST /api/accounts': { body: org.CreateAccountBody, response: { 201: org.Account } },
  'PATCH /api/accounts/:id': {
    params: IdParams,
    body: org.UpdateAccountBody,
    response: { 200: org.Account },
  },
  'POST /api/accounts/:id/password': {
    params: IdParams,
    body: org.ResetPasswordBody,
    response: { 204: NoContent },
  },
  'POST /api/accounts/:id/unlock': { params: IdParams, response: { 204: NoContent } },
  'GET /api/credentials': { querystring: org.ListCredentialsQuery, response: { 200: org.CredentialList } },
  'POST /api/credentials': { body: org.CreateCredentialBody, response: { 201: org.CreatedCredential } },
  'POST /api/credentials/:id/revoke': { params: IdParams, response: { 200: org.Credential } },

  // ---------- the audit trail ----------
  'GET /api/audit': { querystring: security.AuditQuery, response: { 200: security.AuditPage } },
  'GET /api/audit/verify': { response: { 200: security.ChainReport } },

  // ---------- the catalog ----------
  'GET /api/catalog/legal-bases': {
    querystring: catalog.LegalBasesQuery,
    response: { 200: catalog.LegalBasisList },
  },
  'POST /api/catalog/legal-bases': {
    body: catalog.CreateLegalBasisBody,
    response: { 201: catalog.LegalBasis },
  },
  'PATCH /api/catalog/legal-bases/:id': {
    params: IdParams,
    body: catalog.UpdateLegalBasisBody,
    response: { 200: catalog.LegalBasis },
  },
  'GET /api/catalog/entries': { querystring: catalog.SearchQuery, response: { 200: catalog.SearchResult } },
  'GET /api/catalog/mine': { response: { 200: catalog.OwnEntries } },
  'POST /api/catalog/entries': { body: catalog.EntryMetadata, response: { 201: catalog.Entry } },
  'GET /api/catalog/entries/:id': { params: catalog.EntryParams, response: { 200: catalog.Entry } },
  'PUT /api/catalog/entries/:id/draft': {
    params: catalog.EntryParams,
    body: catalog.EntryMetadata,
    response: { 200: catalog.Entry },
  },
  'POST /api/catalog/entries/:id/submit': {
    params: catalog.EntryParams,
    body: catalog.SubmitBody,
    response: { 200: catalog.Entry },
  },
  'POST /api/catalog/entries/:id/review': {
    params: catalog.EntryParams,
    body: catalog.ReviewBody,
    response: { 200: catalog.Entry },
  },
  'POST /api/catalog/entries/:id/revise': { params: catalog.EntryParams, response: { 200: catalog.Entry } },
  'GET /api/catalog/entries/:id/versions': {
    params: catalog.EntryParams,
    response: { 200: catalog.VersionList },
  },
  'GET /api/catalog/entries/:id/diff': {
    params: catalog.EntryParams,
    querystring: catalog.DiffQuery,
    response: { 200: catalog.VersionDiff },
  },
  'POST /api/catalog/duplicate-check': {
    body: catalog.DuplicateCheckBody,
    response: { 200: catalog.DuplicateList },
  },
  'GET /api/catalog/review-queue': { response: { 200: catalog.ReviewQueue } },
  'GET /api/catalog/xlsx/template': { response: { 200: FileResponse } },
  'POST /api/catalog/xlsx/import': {
    rawBody: true,
    response: { 201: catalog.XlsxImportResult, 400: catalog.XlsxProblem },
  },
  'GET /api/catalog/xlsx/export': { querystring: catalog.SearchQuery, response: { 200: FileResponse } },
  'GET /api/catalog/upkeep': { querystring: catalog.UpkeepQuery, response: { 200: catalog.UpkeepOverview } },
  'PUT /api/catalog/upkeep/schedule': {
    body: catalog.UpkeepScheduleBody,
    response: { 200: catalog.UpkeepSchedule },
  },
  'POST /api/catalog/upkeep/confirmations': {
    body: catalog.UpkeepConfirmBody,
    response: { 200: catalog.UpkeepConfirmed },
  },
  'POST /api/catalog/upkeep/scan': { response: { 200: catalog.UpkeepScanResult } },

  // ---------- the open catalog ----------
  'GET /api/open/catalog': { querystring: catalog.SearchQuery, response: { 200: catalog.SearchResult } },
  'GET /api/open/catalog/:id': { params: IdParams, response: { 200: catalog.OpenEntry } },
  'GET /api/open/restrictions': { response: { 200: catalog.RestrictedList } },

  // ---------- the inbox ----------
  'GET /api/notifications': { querystring: platform.InboxQuery, response: { 200: platform.Inbox } },
  'POST /api/notifications/:id/read': { params: IdParams, response: { 204: NoContent } },

  // ---------- resource data ----------
  'GET /api/provision/retention': {
    response: { 200: provision.RetentionSettings },
  },
  'PUT /api/provision/retention': {
    body: provision.RetentionSettings,
    response: { 200: provision.RetentionSettings },
  },
  'GET /api/provision/entries/:id/settings': {
    params: provision.EntryParams,
    response: { 200: provision.ProvisionSettings },
  },
  'PUT /api/provision/entries/:id/settings': {
    params: provision.EntryParams,
    body: provision.ProvisionSettingsBody,
    response: { 200: provision.ProvisionSettings },
  },
  'GET /api/provision/entries/:id/versions': {
    params: provision.EntryParams,
    response: { 200: provision.DataVersionList },
  },
  'GET /api/provision/entries/:id/versions/:versionId': {
    params: provision.VersionParams,
    response: { 200: provision.IngestOutcome },
  },
  'POST /api/provision/entries/:id/versions/:versionId/restore': {
    params: provision.VersionParams,
    response: { 201: provision.IngestOutcome },
  },
  'GET /api/provision/entries/:id/rows': {
    params: provision.EntryParams,
    querystring: provision.RowsQuery,
    response: { 200: provision.DataRows },
  },
  'GET /api/provision/entries/:id/compare': {
    params: provision.EntryParams,
    querystring: provision.CompareQuery,
    response: { 200: provision.VersionComparison },
  },
  'POST /api/provision/entries/:id/push': {
    params: provision.EntryParams,
    headers: provision.IdempotencyHeaders,
    body: provision.PushRowsBody,
    response: { 200: provision.IngestOutcome, 201: provision.IngestOutcome, 422: provision.IngestOutcome },
  },
  'POST /api/provision/entries/:id/upload': {
    params: provision.EntryParams,
    querystring: provision.FileUploadQuery,
    headers: provision.OptionalIdempotencyHeaders,
    rawBody: true,
    response: { 201: provision.IngestOutcome, 422: provision.IngestOutcome },
  },
  'GET /api/provision/entries/:id/export': {
    params: provision.EntryParams,
    querystring: provision.ExportQuery,
    response: { 200: FileResponse },
  },

  // push sessions
  'POST /api/provision/entries/:id/pushes': {
    params: provision.EntryParams,
    headers: provision.IdempotencyHeaders,
    body: provision.PushSessionBody,
    response: { 200: provision.PushSession, 201: provision.PushSession },
  },
  'GET /api/provision/entries/:id/pushes/:versionId': {
    params: provision.VersionParams,
    response: { 200: provision.PushSession },
  },
  'POST /api/provision/entries/:id/pushes/:versionId/commit': {
    params: provision.VersionParams,
    body: provision.PushCommitBody,
    response: { 201: provision.PushCommitOutcome, 422: provision.PushCommitOutcome },
  },
  'DELETE /api/provision/entries/:id/pushes/:versionId': {
    params: provision.VersionParams,
    response: { 200: provision.PushSession },
  },
  'POST /api/provision/entries/:id/pushes/:versionId/rows': {
    params: provision.VersionParams,
    headers: provision.PushBatchHeaders,
    rawBody: true,
    response: { 200: provision.PushBatchAnswer, 201: provision.PushBatchAnswer },
  },
  'PUT /api/provision/entries/:id/pushes/:versionId/file': {
    params: provision.VersionParams,
    querystring: provision.FileUploadQuery,
    rawBody: true,
    response: { 200: provision.PushFileAnswer, 201: provision.PushFileAnswer },
  },

  // resumable uploads (tus 1.0.0: headers and raw bytes, no JSON body) and file resources
  'POST /api/provision/uploads': { rawBody: true, response: {} },
  'HEAD /api/provision/uploads/:uploadId': { params: provision.UploadParams, response: {} },
  'PATCH /api/provision/uploads/:uploadId': { params: provision.UploadParams, rawBody: true, response: {} },
  'DELETE /api/provision/uploads/:uploadId': { params: provision.UploadParams, response: {} },
  'GET /api/provision/entries/:id/uploads/:uploadId/preview': {
    params: provision.EntryUploadParams,
    querystring: provision.ReadQuery,
    response: { 200: provision.UploadPreview },
  },
  'POST /api/provision/entries/:id/uploads/:uploadId/ingest': {
    params: provision.EntryUploadParams,
    body: provision.IngestUploadBody,
    response: { 200: NdjsonResponse, 201: provision.IngestOutcome, 422: provision.IngestOutcome },
  },
  'POST /api/provision/entries/:id/files': {
    params: provision.EntryParams,
    body: provision.CreateFilesVersionBody,
    response: { 201: provision.CreatedFilesVersion },
  },
  'GET /api/provision/entries/:id/versions/:versionId/files': {
    params: provision.VersionParams,
    response: { 200: provision.FilesOfVersion },
  },
  'GET /api/provision/entries/:id/versions/:versionId/files/:position': {
    params: provision.FileParams,
    response: { 200: FileResponse },
  },

  // connectors
  'GET /api/provision/entries/:id/connectors': {
    params: provision.EntryParams,
    response: { 200: provision.ConnectorList },
  },
  'POST /api/provision/entries/:id/connectors': {
    params: provision.EntryParams,
    body: provision.ConnectorBody,
    response: { 201: provision.Connector },
  },
  'PUT /api/provision/entries/:id/connectors/:connectorId': {
    params: provision.ConnectorParams,
    body: provision.ConnectorBody,
    response: { 200: provision.Connector },
  },
  'DELETE /api/provision/entries/:id/connectors/:connectorId': {
    params: provision.ConnectorParams,
    response: { 204: NoContent },
  },
  'POST /api/provision/entries/:id/connectors/:connectorId/run': {
    params: provision.ConnectorParams,
    response: { 200: provision.RunFinished, 202: provision.RunQueued },
  },
  'GET /api/provision/entries/:id/connectors/:connectorId/runs': {
    params: provision.ConnectorParams,
    querystring: provision.ConnectorRunsQuery,
    response: { 200: provision.ConnectorRunList },
  },
  'GET /api/provision/connector-allow-list': { response: { 200: provision.AllowList } },
  'POST /api/provision/connector-allow-list': {
    body: provision.AllowBody,
    response: { 201: provision.AllowEntry },
  },
  'PUT /api/provision/connector-allow-list/:id': {
    params: provision.AllowParams,
    body: provision.AllowBody,
    response: { 200: provision.AllowEntry },
  },
  'DELETE /api/provision/connector-allow-list/:id': {
    params: provision.AllowParams,
    response: { 204: NoContent },
  },

  // ---------- data quality ----------
  'GET /api/provision/quality': {
    querystring: quality.QualityQuery,
    response: { 200: quality.QualityOverview },
  },
  'GET /api/provision/quality/entries/:id': {
    params: IdParams,
    response: { 200: quality.EntryQuality },
  },
  'PUT /api/provision/quality/entries/:id/declaration': {
    params: IdParams,
    body: quality.DeclarationBody,
    response: { 200: quality.MaybeDeclaration },
  },
} as const satisfies Record<string, RouteSchemas>;

// ---------- types for clients ----------

export type Routes = typeof routes;
/** `METHOD /path` of a route. */
export type RouteKey = keyof Routes;

type Schemas<K extends RouteKey> = Routes[K];
type StaticOf<S> = S extends TSchema ? Static<S> : never;
type Answers<K extends RouteKey> = Schemas<K>['response'];

/** The statuses of an answer that is not an error. */
export type SuccessStatus = 200 | 201 | 202 | 204;

/** The body of a route's successful answers (the union over its success statuses). */
export type ResponseOf<K extends RouteKey> = {
  [S in keyof Answers<K>]: S extends SuccessStatus | `${SuccessStatus}` ? StaticOf<Answers<K>[S]> : never;
}[keyof Answers<K>];

/** The body of a route's answer with this status. */
export type AnswerOf<K extends RouteKey, S extends keyof Answers<K>> = StaticOf<Answers<K>[S]>;

export type ParamsOf<K extends RouteKey> = Schemas<K> extends { params: infer P } ? StaticOf<P> : never;
export type QueryOf<K extends RouteKey> = Schemas<K> extends { querystring: infer Q } ? StaticOf<Q> : never;
export type BodyOf<K extends RouteKey> = Schemas<K> extends { body: infer B } ? StaticOf<B> : never;

/** Routes that answer a file (downloads). */
export type FileRouteKey = {
  [K in RouteKey]: Answers<K> extends { 200: typeof FileResponse } ? K : never;
}[RouteKey];

/** Routes that take a JSON body, answer JSON and are not file uploads. */
export type JsonRouteKey = Exclude<
  {
    [K in RouteKey]: Schemas<K> extends { rawBody: true } ? never : K;
  }[RouteKey],
  FileRouteKey
>;

/** Routes whose body is a file sent as is. */
export type RawBodyRouteKey = {
  [K in RouteKey]: Schemas<K> extends { rawBody: true } ? K : never;
}[RouteKey];
