/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The one status of an auto-import, the most pressing first: DISABLED, PAUSED, NEEDS_REAUTH, SYNCING, FAILING, LIMIT_REACHED, BACKLOG, ACTIVE. */
export type AutoImportStatus =
  /** In step: the import syncs on schedule (`nextSyncAt`) and nothing waits at the source. */
  | 'ACTIVE'
  /** More matching contacts wait at the source than one sync takes (500 per external account by default): the next syncs take them from where the last one stopped. */
  | 'BACKLOG'
  /** Stopped itself after too many failed syncs in a row; `troubleshooting` says why. `resumeAutoImport` or `syncAutoImportNow` starts it again. */
  | 'DISABLED'
  /** The last sync(s) failed; the import retries with growing delays and stops itself (DISABLED) after 20 failures in a row by default. `troubleshooting` says why. */
  | 'FAILING'
  /** Active, but adding nothing new because of the account's contact limit: contacts are waiting and there is no room. It leaves this status as soon as the limit is raised; the waiting contacts arrive on the next syncs. */
  | 'LIMIT_REACHED'
  /** The service refused the connection's credentials: nothing is imported until the account is connected again with `connectService`. */
  | 'NEEDS_REAUTH'
  /** Paused by the user: no syncs until `resumeAutoImport`. Its position at the source is kept. */
  | 'PAUSED'
  /** A sync of this import is under way now. */
  | 'SYNCING';

/** What `connectService` needs to connect an external account. */
export type ConnectServiceInput = {
  /** A name for the connection, at most 200 characters; null or blank: the external account's name. */
  name?: string | null | undefined;
  /** The service's id (`Service.id`), e.g. `shopify`. */
  serviceId: string;
  /** A JSON object of the service's settings: `csv_feed` `{"url": ...}` (a CSV over HTTP(S)); `shopify` `{"shop": ..., "access_token": ...}`; `pipedrive` `{"company_domain": ..., "api_token": ...}`; `hubspot` `{"private_app_token": ...}`, or `{}` to sign in through OAuth; `google_contacts` `{}` (OAuth); `salesforce` `{}` (OAuth); `mailchimp` `{"api_key": ...}`, or `{}` to sign in through OAuth. With OAuth, `{"connectionId": ...}` names the connection to renew. Stored encrypted, never returned. */
  settings: unknown;
};

/** Whether a connection's credentials still work. */
export type ConnectionStatus =
  /** The credentials work: its imports sync on schedule. */
  | 'ACTIVE'
  /** The service refused the stored credentials: its imports import nothing until the same external account is connected again with `connectService`, which makes the connection ACTIVE and its imports due at once. */
  | 'NEEDS_REAUTH';

/** Whether a contact receives email. */
export type ContactStatus =
  /** Subscribed: the contact receives email. */
  | 'ACTIVE'
  /** Email to the address bounced. Imports never make such a contact active again; they may still update its fields. */
  | 'BOUNCED'
  /** The contact opted out (`unsubscribeContact`, or an unsubscribe at a source that reports one). Imports never make such a contact active again; they may still update its fields. */
  | 'UNSUBSCRIBED';

/** A new auto-import. */
export type CreateAutoImportInput = {
  /** A connection of the account to that service. */
  connectionId: string;
  /** A JSON object keyed by the service's `criteria` keys; null or `{}`: none. An unknown key or a wrong value is INVALID, naming the key. */
  criteria?: unknown;
  /** Lists of the account to add the imported contacts to; null or empty for none. */
  listIds?: Array<string> | null | undefined;
  /** At most 200 characters; null or blank: "<service name> import". */
  name?: string | null | undefined;
  /** The service to import from (`Service.id`). */
  serviceId: string;
  /** Tags to give the imported contacts, each 1 to 200 characters after trimming; duplicates are dropped. Null for none. */
  tags?: Array<string> | null | undefined;
};

/** A new list of contacts. */
export type CreateListInput = {
  /** The list's name, 1 to 200 characters after trimming; unique within the account (a taken name is a CONFLICT). */
  name: string;
};

/** The import to preview: what createAutoImport would be given. */
export type PreviewAutoImportInput = {
  /** One of the account's connections to that service. */
  connectionId: string;
  /** The criteria, validated against the service's criteria as createAutoImport does. */
  criteria?: unknown;
  /** The service, as in Service.id. */
  serviceId: string;
};

/** What a sync would do with a previewed record. */
export type PreviewVerdict =
  /** Skipped: the email address is not valid. */
  | 'INVALID_EMAIL'
  /** An existing unsubscribed or bounced contact: its fields would be updated, its status kept. */
  | 'KEPT_UNSUBSCRIBED'
  /** Skipped: the record could not be read (a CSV row with more cells than the header). */
  | 'MALFORMED'
  /** Skipped: the record has no email address. */
  | 'MISSING_EMAIL'
  /** New, but the account's contact limit leaves no room: it would wait until the limit is raised. */
  | 'NOT_ADDED_CONTACT_LIMIT'
  /** A new contact would be added. */
  | 'WOULD_ADD'
  /** An existing contact with this email would be updated (an empty value never erases one). */
  | 'WOULD_UPDATE';

/** What kind of problem troubleshooting found. */
export type ProblemCode =
  /** More contacts wait at the source than one sync takes (`count`: the estimate, null when the source cannot tell); later syncs drain it. */
  | 'BACKLOG'
  /** New contacts were not added because the account is at its contact limit (`count`: how many wait). Existing contacts are still updated; the waiting ones are added in the next syncs once the limit is raised. */
  | 'CONTACT_LIMIT_REACHED'
  /** The account has the most custom fields one service may create (AUTOIMPORT_MAX_CUSTOM_FIELDS_PER_SERVICE): fields beyond it were not created and their values not stored (`count`: how many the last sync found; `samples` name them, as `field:<label>`). */
  | 'CUSTOM_FIELD_LIMIT'
  /** Records at the source have an invalid email address and were skipped (`count`: how many; `samples`). */
  | 'INVALID_EMAIL'
  /** Records at the source could not be read, e.g. a CSV row with more or fewer cells than the header (`count`: how many; `samples`). */
  | 'MALFORMED_RECORD'
  /** Records at the source have no email address and were skipped (`count`: how many; `samples`). */
  | 'MISSING_EMAIL'
  /** The service refused the connection's credentials; nothing is imported until it is reconnected. */
  | 'NEEDS_REAUTH'
  /** The service asked us to slow down; the import continues by itself from where it stopped. */
  | 'RATE_LIMITED'
  /** Other imports read the same external account and share its sync budget (`count`: the imports sharing it, this one included). */
  | 'SHARED_EXTERNAL_ACCOUNT'
  /** The last sync(s) failed, or the import stopped itself after too many failures (`count`: the failures in a row). */
  | 'SOURCE_ERROR'
  /** The account has more imports of this service than `recommendedMaxImports` (`count`: how many). A recommendation, not a limit. */
  | 'TOO_MANY_IMPORTS_FOR_SERVICE';

/** How a service is connected (what `connectService` needs). */
export type ServiceAuth =
  /** A key or token the user copies from the service into `settings` (Shopify: `shop` and `access_token`; Pipedrive: `company_domain` and `api_token`). */
  | 'API_KEY'
  /** No credentials: the settings say where to read (the CSV feed's `url`). */
  | 'NONE'
  /** The user signs in at the service: `connectService` without tokens answers `authorizeUrl`, and the service sends the browser back to this API's callback, which stores the connection. HubSpot also takes a private-app token (`private_app_token`) directly. */
  | 'OAUTH2';

/** How a form shows a setting. */
export type SettingType =
  /** A credential: shown as a password field, stored encrypted and never returned. */
  | 'SECRET'
  /** Plain text, shown as a text field. */
  | 'TEXT'
  /** An address (https://...), shown as a URL field. */
  | 'URL';

/** How a sync ended. */
export type SyncOutcome =
  /** Read everything the source had to give; nothing is left waiting. */
  | 'COMPLETED'
  /** Stopped on an error: the source failed or refused the credentials, or the import was edited meanwhile; `error` says why. Pages committed before it stay. */
  | 'FAILED'
  /** Ended with records left at the source (the sync budget was used): the next syncs continue from the saved position. */
  | 'PARTIAL'
  /** The service asked us to wait: not a failure (it does not count toward the failure streak). The pages before it are kept and the sync resumes at nextSyncAt. */
  | 'RATE_LIMITED'
  /** Under way. A sync whose worker was killed is marked FAILED when the next sync of its external account starts. */
  | 'RUNNING';

/** Changes to an auto-import: a null field leaves that value as it is. New criteria, lists or tags mean a new first retrieval (the contacts already imported stay). */
export type UpdateAutoImportInput = {
  /** New criteria, replacing the old ones whole; null keeps them. */
  criteria?: unknown;
  /** The lists from now on, replacing the old ones (`[]` for none); null keeps them. Contacts already on a removed list stay on it. */
  listIds?: Array<string> | null | undefined;
  /** A new name, at most 200 characters; null or blank keeps the current one. */
  name?: string | null | undefined;
  /** The tags from now on, replacing the old ones (`[]` for none); null keeps them. No tag is taken off contacts. */
  tags?: Array<string> | null | undefined;
};

export type AutoImportPageQueryVariables = Exact<{
  id: string;
}>;


export type AutoImportPageQuery = { autoImport: { id: string, name: string, status: AutoImportStatus, nextSyncAt: string | null, lastSyncAt: string | null, contactCount: number, tags: Array<string>, service: { id: string, name: string, auth: ServiceAuth }, connection: { id: string, name: string, status: ConnectionStatus } | null, lists: Array<{ id: string, name: string }>, syncs: Array<{ id: string, startedAt: string, finishedAt: string | null, outcome: SyncOutcome, error: string | null, backlogEstimate: number | null, counts: { added: number, updated: number, skippedMissingEmail: number, skippedInvalidEmail: number, skippedMalformed: number, notAddedContactLimit: number } }>, troubleshooting: { healthy: boolean, problems: Array<{ code: ProblemCode, message: string, action: string, count: number | null, samples: Array<{ externalId: string, email: string | null, reason: string }> }> } } | null };

export type SyncAutoImportNowMutationVariables = Exact<{
  id: string;
}>;


export type SyncAutoImportNowMutation = { syncAutoImportNow: { autoImport: { id: string, status: AutoImportStatus, nextSyncAt: string | null } | null, userErrors: Array<{ code: string, message: string }> } };

export type PauseAutoImportMutationVariables = Exact<{
  id: string;
}>;


export type PauseAutoImportMutation = { pauseAutoImport: { autoImport: { id: string, status: AutoImportStatus, nextSyncAt: string | null } | null, userErrors: Array<{ code: string, message: string }> } };

export type ResumeAutoImportMutationVariables = Exact<{
  id: string;
}>;


export type ResumeAutoImportMutation = { resumeAutoImport: { autoImport: { id: string, status: AutoImportStatus, nextSyncAt: string | null } | null, userErrors: Array<{ code: string, message: string }> } };

export type DeleteAutoImportMutationVariables = Exact<{
  id: string;
}>;


export type DeleteAutoImportMutation = { deleteAutoImport: { deletedId: string | null, userErrors: Array<{ code: string, message: string }> } };

export type AutoImportSyncProgressSubscriptionVariables = Exact<{
  autoImportId: string;
}>;


export type AutoImportSyncProgressSubscription = { syncProgress: { autoImportId: string, syncRunId: string, outcome: SyncOutcome, backlogEstimate: number | null, at: string, counts: { fetched: number, added: number, updated: number, skippedMissingEmail: number, skippedInvalidEmail: number, skippedMalformed: number, notAddedContactLimit: number } } };

export type ConnectionsPageQueryVariables = Exact<{ [key: string]: never; }>;


export type ConnectionsPageQuery = { connections: Array<{ id: string, name: string, externalAccount: string, status: ConnectionStatus, createdAt: string, service: { id: string, name: string, auth: ServiceAuth, settings: Array<{ key: string, label: string, type: SettingType, required: boolean, help: string }> }, autoImports: Array<{ id: string, name: string }> }> };

export type DeleteConnectionMutationVariables = Exact<{
  id: string;
  deleteImports?: boolean | null | undefined;
}>;


export type DeleteConnectionMutation = { deleteConnection: { deletedId: string | null, userErrors: Array<{ code: string, message: string }> } };

export type ReconnectServiceMutationVariables = Exact<{
  input: ConnectServiceInput;
}>;


export type ReconnectServiceMutation = { connectService: { authorizeUrl: string | null, connection: { id: string, status: ConnectionStatus, externalAccount: string } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type ContactDetailsQueryVariables = Exact<{
  email: string;
}>;


export type ContactDetailsQuery = { contact: { id: string, email: string, firstName: string | null, lastName: string | null, phone: string | null, status: ContactStatus, createdAt: string, tags: Array<string>, lists: Array<{ id: string, name: string }>, fieldValues: Array<{ value: string, field: { id: string, title: string, perstag: string } }>, sources: Array<{ externalId: string, firstSeenAt: string, lastSeenAt: string, autoImport: { id: string, name: string } | null, service: { id: string, name: string } }> } | null };

export type ContactsPageQueryVariables = Exact<{
  email?: string | null | undefined;
  listId?: string | null | undefined;
  tag?: string | null | undefined;
  after?: string | null | undefined;
  first?: number | null | undefined;
}>;


export type ContactsPageQuery = { contacts: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, email: string, firstName: string | null, lastName: string | null, status: ContactStatus } }> } };

export type ContactListsQueryVariables = Exact<{ [key: string]: never; }>;


export type ContactListsQuery = { lists: Array<{ id: string, name: string, contactCount: number }> };

export type FieldsPageQueryVariables = Exact<{ [key: string]: never; }>;


export type FieldsPageQuery = { customFields: Array<{ id: string, title: string, perstag: string, service: { id: string, name: string } | null }> };

export type ImportPageQueryVariables = Exact<{ [key: string]: never; }>;


export type ImportPageQuery = { services: Array<{ id: string, name: string, auth: ServiceAuth, importCount: number, recommendedMaxImports: number }>, autoImports: Array<{ id: string, name: string, status: AutoImportStatus, nextSyncAt: string | null, lastSyncAt: string | null, service: { id: string, name: string } }> };

export type WizardConnectServiceMutationVariables = Exact<{
  input: ConnectServiceInput;
}>;


export type WizardConnectServiceMutation = { connectService: { authorizeUrl: string | null, connection: { id: string, name: string, externalAccount: string, status: ConnectionStatus } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type WizardCriterionChoicesQueryVariables = Exact<{
  connectionId: string;
  key: string;
}>;


export type WizardCriterionChoicesQuery = { connection: { id: string, criterionChoices: Array<{ value: string, label: string }> } | null };

export type WizardCreateListMutationVariables = Exact<{
  input: CreateListInput;
}>;


export type WizardCreateListMutation = { createList: { list: { id: string, name: string, contactCount: number } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type WizardServiceQueryVariables = Exact<{
  serviceId: string;
}>;


export type WizardServiceQuery = { service: { id: string, name: string, auth: ServiceAuth, settings: Array<{ key: string, label: string, type: SettingType, required: boolean, help: string }>, criteria: Array<{ key: string, label: string, type: string, required: boolean, help: string, choices: Array<string> }> } | null, connections: Array<{ id: string, name: string, externalAccount: string, status: ConnectionStatus, createdAt: string }>, lists: Array<{ id: string, name: string, contactCount: number }> };

export type WizardEditedImportQueryVariables = Exact<{
  id: string;
}>;


export type WizardEditedImportQuery = { autoImport: { id: string, name: string, criteria: unknown, tags: Array<string>, lists: Array<{ id: string }>, connection: { id: string } | null, service: { id: string } } | null };

export type WizardPreviewMutationVariables = Exact<{
  input: PreviewAutoImportInput;
}>;


export type WizardPreviewMutation = { previewAutoImport: { matchedEstimate: number | null, records: Array<{ externalId: string, email: string | null, firstName: string | null, lastName: string | null, verdict: PreviewVerdict, reason: string | null }>, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type WizardCreateAutoImportMutationVariables = Exact<{
  input: CreateAutoImportInput;
}>;


export type WizardCreateAutoImportMutation = { createAutoImport: { autoImport: { id: string, name: string, status: AutoImportStatus } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type WizardUpdateAutoImportMutationVariables = Exact<{
  id: string;
  input: UpdateAutoImportInput;
}>;


export type WizardUpdateAutoImportMutation = { updateAutoImport: { autoImport: { id: string, name: string, status: AutoImportStatus, criteria: unknown, tags: Array<string>, lists: Array<{ id: string, name: string }> } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type ShellAccountQueryVariables = Exact<{ [key: string]: never; }>;


export type ShellAccountQuery = { me: { id: string, name: string, contactCount: number, contactLimit: number } };


export const AutoImportPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AutoImportPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"autoImport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"nextSyncAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastSyncAt"}},{"kind":"Field","name":{"kind":"Name","value":"contactCount"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"service"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"auth"}}]}},{"kind":"Field","name":{"kind":"Name","value":"connection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lists"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"syncs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"backlogEstimate"}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"added"}},{"kind":"Field","name":{"kind":"Name","value":"updated"}},{"kind":"Field","name":{"kind":"Name","value":"skippedMissingEmail"}},{"kind":"Field","name":{"kind":"Name","value":"skippedInvalidEmail"}},{"kind":"Field","name":{"kind":"Name","value":"skippedMalformed"}},{"kind":"Field","name":{"kind":"Name","value":"notAddedContactLimit"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"troubleshooting"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"healthy"}},{"kind":"Field","name":{"kind":"Name","value":"problems"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"samples"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<AutoImportPageQuery, AutoImportPageQueryVariables>;
export const SyncAutoImportNowDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SyncAutoImportNow"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"syncAutoImportNow"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"autoImport"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"nextSyncAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SyncAutoImportNowMutation, SyncAutoImportNowMutationVariables>;
export const PauseAutoImportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PauseAutoImport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pauseAutoImport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"autoImport"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"nextSyncAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<PauseAutoImportMutation, PauseAutoImportMutationVariables>;
export const ResumeAutoImportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResumeAutoImport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resumeAutoImport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"autoImport"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"nextSyncAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ResumeAutoImportMutation, ResumeAutoImportMutationVariables>;
export const DeleteAutoImportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteAutoImport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteAutoImport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletedId"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<DeleteAutoImportMutation, DeleteAutoImportMutationVariables>;
export const AutoImportSyncProgressDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"AutoImportSyncProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"autoImportId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"syncProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"autoImportId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"autoImportId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"autoImportId"}},{"kind":"Field","name":{"kind":"Name","value":"syncRunId"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"backlogEstimate"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fetched"}},{"kind":"Field","name":{"kind":"Name","value":"added"}},{"kind":"Field","name":{"kind":"Name","value":"updated"}},{"kind":"Field","name":{"kind":"Name","value":"skippedMissingEmail"}},{"kind":"Field","name":{"kind":"Name","value":"skippedInvalidEmail"}},{"kind":"Field","name":{"kind":"Name","value":"skippedMalformed"}},{"kind":"Field","name":{"kind":"Name","value":"notAddedContactLimit"}}]}}]}}]}}]} as unknown as DocumentNode<AutoImportSyncProgressSubscription, AutoImportSyncProgressSubscriptionVariables>;
export const ConnectionsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConnectionsPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connections"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"externalAccount"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"service"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"auth"}},{"kind":"Field","name":{"kind":"Name","value":"settings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"required"}},{"kind":"Field","name":{"kind":"Name","value":"help"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"autoImports"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConnectionsPageQuery, ConnectionsPageQueryVariables>;
export const DeleteConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deleteImports"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"deleteImports"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deleteImports"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletedId"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<DeleteConnectionMutation, DeleteConnectionMutationVariables>;
export const ReconnectServiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReconnectService"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ConnectServiceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connectService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"authorizeUrl"}},{"kind":"Field","name":{"kind":"Name","value":"connection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"externalAccount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ReconnectServiceMutation, ReconnectServiceMutationVariables>;
export const ContactDetailsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ContactDetails"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lists"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"fieldValues"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"field"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"perstag"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"firstSeenAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastSeenAt"}},{"kind":"Field","name":{"kind":"Name","value":"autoImport"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"service"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ContactDetailsQuery, ContactDetailsQueryVariables>;
export const ContactsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ContactsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"listId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tag"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contacts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}},{"kind":"Argument","name":{"kind":"Name","value":"listId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"listId"}}},{"kind":"Argument","name":{"kind":"Name","value":"tag"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tag"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ContactsPageQuery, ContactsPageQueryVariables>;
export const ContactListsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ContactLists"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lists"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"contactCount"}}]}}]}}]} as unknown as DocumentNode<ContactListsQuery, ContactListsQueryVariables>;
export const FieldsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FieldsPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customFields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"perstag"}},{"kind":"Field","name":{"kind":"Name","value":"service"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<FieldsPageQuery, FieldsPageQueryVariables>;
export const ImportPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ImportPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"services"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"auth"}},{"kind":"Field","name":{"kind":"Name","value":"importCount"}},{"kind":"Field","name":{"kind":"Name","value":"recommendedMaxImports"}}]}},{"kind":"Field","name":{"kind":"Name","value":"autoImports"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"nextSyncAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastSyncAt"}},{"kind":"Field","name":{"kind":"Name","value":"service"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ImportPageQuery, ImportPageQueryVariables>;
export const WizardConnectServiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WizardConnectService"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ConnectServiceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connectService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"externalAccount"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"authorizeUrl"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<WizardConnectServiceMutation, WizardConnectServiceMutationVariables>;
export const WizardCriterionChoicesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WizardCriterionChoices"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"key"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"criterionChoices"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"key"},"value":{"kind":"Variable","name":{"kind":"Name","value":"key"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"label"}}]}}]}}]}}]} as unknown as DocumentNode<WizardCriterionChoicesQuery, WizardCriterionChoicesQueryVariables>;
export const WizardCreateListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WizardCreateList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateListInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createList"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"list"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"contactCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<WizardCreateListMutation, WizardCreateListMutationVariables>;
export const WizardServiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WizardService"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"service"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"auth"}},{"kind":"Field","name":{"kind":"Name","value":"settings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"required"}},{"kind":"Field","name":{"kind":"Name","value":"help"}}]}},{"kind":"Field","name":{"kind":"Name","value":"criteria"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"required"}},{"kind":"Field","name":{"kind":"Name","value":"help"}},{"kind":"Field","name":{"kind":"Name","value":"choices"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"connections"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"externalAccount"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lists"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"contactCount"}}]}}]}}]} as unknown as DocumentNode<WizardServiceQuery, WizardServiceQueryVariables>;
export const WizardEditedImportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WizardEditedImport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"autoImport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"criteria"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"lists"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"connection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"service"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<WizardEditedImportQuery, WizardEditedImportQueryVariables>;
export const WizardPreviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WizardPreview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PreviewAutoImportInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"previewAutoImport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"records"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"verdict"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}},{"kind":"Field","name":{"kind":"Name","value":"matchedEstimate"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<WizardPreviewMutation, WizardPreviewMutationVariables>;
export const WizardCreateAutoImportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WizardCreateAutoImport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateAutoImportInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAutoImport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"autoImport"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<WizardCreateAutoImportMutation, WizardCreateAutoImportMutationVariables>;
export const WizardUpdateAutoImportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WizardUpdateAutoImport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateAutoImportInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateAutoImport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"autoImport"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"criteria"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"lists"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<WizardUpdateAutoImportMutation, WizardUpdateAutoImportMutationVariables>;
export const ShellAccountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ShellAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"contactCount"}},{"kind":"Field","name":{"kind":"Name","value":"contactLimit"}}]}}]}}]} as unknown as DocumentNode<ShellAccountQuery, ShellAccountQueryVariables>;