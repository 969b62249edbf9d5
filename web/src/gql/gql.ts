/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query AutoImportPage($id: ID!) {\n    autoImport(id: $id) {\n      id name status nextSyncAt lastSyncAt contactCount tags\n      service { id name auth }\n      connection { id name status }\n      lists { id name }\n      syncs(last: 20) {\n        id startedAt finishedAt outcome error backlogEstimate\n        counts { added updated skippedMissingEmail skippedInvalidEmail skippedMalformed notAddedContactLimit }\n      }\n      troubleshooting {\n        healthy\n        problems { code message action count samples { externalId email reason } }\n      }\n    }\n  }\n": typeof types.AutoImportPageDocument,
    "\n  mutation SyncAutoImportNow($id: ID!) {\n    syncAutoImportNow(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n": typeof types.SyncAutoImportNowDocument,
    "\n  mutation PauseAutoImport($id: ID!) {\n    pauseAutoImport(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n": typeof types.PauseAutoImportDocument,
    "\n  mutation ResumeAutoImport($id: ID!) {\n    resumeAutoImport(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n": typeof types.ResumeAutoImportDocument,
    "\n  mutation DeleteAutoImport($id: ID!) {\n    deleteAutoImport(id: $id) { deletedId userErrors { code message } }\n  }\n": typeof types.DeleteAutoImportDocument,
    "\n  subscription AutoImportSyncProgress($autoImportId: ID!) {\n    syncProgress(autoImportId: $autoImportId) {\n      autoImportId syncRunId outcome backlogEstimate at\n      counts { fetched added updated skippedMissingEmail skippedInvalidEmail skippedMalformed notAddedContactLimit }\n    }\n  }\n": typeof types.AutoImportSyncProgressDocument,
    "\n  query ConnectionsPage {\n    connections { id name externalAccount status service { id name } autoImports { id } }\n  }\n": typeof types.ConnectionsPageDocument,
    "\n  query ContactDetails($email: String!) {\n    contact(email: $email) {\n      id email firstName lastName phone status createdAt\n      lists { id name }\n      tags\n      fieldValues { value field { id title perstag } }\n      sources { externalId firstSeenAt lastSeenAt autoImport { id name } service { id name } }\n    }\n  }\n": typeof types.ContactDetailsDocument,
    "\n  query ContactsPage($email: String, $listId: ID, $tag: String, $after: String, $first: Int) {\n    contacts(first: $first, after: $after, email: $email, listId: $listId, tag: $tag) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id email firstName lastName status } }\n    }\n  }\n": typeof types.ContactsPageDocument,
    "\n  query ContactLists {\n    lists { id name contactCount }\n  }\n": typeof types.ContactListsDocument,
    "\n  query FieldsPage {\n    customFields { id title perstag service { id name } }\n  }\n": typeof types.FieldsPageDocument,
    "\n  query ImportPage {\n    services { id name auth importCount recommendedMaxImports }\n    autoImports { id name status nextSyncAt lastSyncAt service { id name } }\n  }\n": typeof types.ImportPageDocument,
    "\n  query ShellAccount {\n    me { id name contactCount contactLimit }\n  }\n": typeof types.ShellAccountDocument,
};
const documents: Documents = {
    "\n  query AutoImportPage($id: ID!) {\n    autoImport(id: $id) {\n      id name status nextSyncAt lastSyncAt contactCount tags\n      service { id name auth }\n      connection { id name status }\n      lists { id name }\n      syncs(last: 20) {\n        id startedAt finishedAt outcome error backlogEstimate\n        counts { added updated skippedMissingEmail skippedInvalidEmail skippedMalformed notAddedContactLimit }\n      }\n      troubleshooting {\n        healthy\n        problems { code message action count samples { externalId email reason } }\n      }\n    }\n  }\n": types.AutoImportPageDocument,
    "\n  mutation SyncAutoImportNow($id: ID!) {\n    syncAutoImportNow(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n": types.SyncAutoImportNowDocument,
    "\n  mutation PauseAutoImport($id: ID!) {\n    pauseAutoImport(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n": types.PauseAutoImportDocument,
    "\n  mutation ResumeAutoImport($id: ID!) {\n    resumeAutoImport(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n": types.ResumeAutoImportDocument,
    "\n  mutation DeleteAutoImport($id: ID!) {\n    deleteAutoImport(id: $id) { deletedId userErrors { code message } }\n  }\n": types.DeleteAutoImportDocument,
    "\n  subscription AutoImportSyncProgress($autoImportId: ID!) {\n    syncProgress(autoImportId: $autoImportId) {\n      autoImportId syncRunId outcome backlogEstimate at\n      counts { fetched added updated skippedMissingEmail skippedInvalidEmail skippedMalformed notAddedContactLimit }\n    }\n  }\n": types.AutoImportSyncProgressDocument,
    "\n  query ConnectionsPage {\n    connections { id name externalAccount status service { id name } autoImports { id } }\n  }\n": types.ConnectionsPageDocument,
    "\n  query ContactDetails($email: String!) {\n    contact(email: $email) {\n      id email firstName lastName phone status createdAt\n      lists { id name }\n      tags\n      fieldValues { value field { id title perstag } }\n      sources { externalId firstSeenAt lastSeenAt autoImport { id name } service { id name } }\n    }\n  }\n": types.ContactDetailsDocument,
    "\n  query ContactsPage($email: String, $listId: ID, $tag: String, $after: String, $first: Int) {\n    contacts(first: $first, after: $after, email: $email, listId: $listId, tag: $tag) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id email firstName lastName status } }\n    }\n  }\n": types.ContactsPageDocument,
    "\n  query ContactLists {\n    lists { id name contactCount }\n  }\n": types.ContactListsDocument,
    "\n  query FieldsPage {\n    customFields { id title perstag service { id name } }\n  }\n": types.FieldsPageDocument,
    "\n  query ImportPage {\n    services { id name auth importCount recommendedMaxImports }\n    autoImports { id name status nextSyncAt lastSyncAt service { id name } }\n  }\n": types.ImportPageDocument,
    "\n  query ShellAccount {\n    me { id name contactCount contactLimit }\n  }\n": types.ShellAccountDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AutoImportPage($id: ID!) {\n    autoImport(id: $id) {\n      id name status nextSyncAt lastSyncAt contactCount tags\n      service { id name auth }\n      connection { id name status }\n      lists { id name }\n      syncs(last: 20) {\n        id startedAt finishedAt outcome error backlogEstimate\n        counts { added updated skippedMissingEmail skippedInvalidEmail skippedMalformed notAddedContactLimit }\n      }\n      troubleshooting {\n        healthy\n        problems { code message action count samples { externalId email reason } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AutoImportPage($id: ID!) {\n    autoImport(id: $id) {\n      id name status nextSyncAt lastSyncAt contactCount tags\n      service { id name auth }\n      connection { id name status }\n      lists { id name }\n      syncs(last: 20) {\n        id startedAt finishedAt outcome error backlogEstimate\n        counts { added updated skippedMissingEmail skippedInvalidEmail skippedMalformed notAddedContactLimit }\n      }\n      troubleshooting {\n        healthy\n        problems { code message action count samples { externalId email reason } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SyncAutoImportNow($id: ID!) {\n    syncAutoImportNow(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n"): (typeof documents)["\n  mutation SyncAutoImportNow($id: ID!) {\n    syncAutoImportNow(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseAutoImport($id: ID!) {\n    pauseAutoImport(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n"): (typeof documents)["\n  mutation PauseAutoImport($id: ID!) {\n    pauseAutoImport(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeAutoImport($id: ID!) {\n    resumeAutoImport(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n"): (typeof documents)["\n  mutation ResumeAutoImport($id: ID!) {\n    resumeAutoImport(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAutoImport($id: ID!) {\n    deleteAutoImport(id: $id) { deletedId userErrors { code message } }\n  }\n"): (typeof documents)["\n  mutation DeleteAutoImport($id: ID!) {\n    deleteAutoImport(id: $id) { deletedId userErrors { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AutoImportSyncProgress($autoImportId: ID!) {\n    syncProgress(autoImportId: $autoImportId) {\n      autoImportId syncRunId outcome backlogEstimate at\n      counts { fetched added updated skippedMissingEmail skippedInvalidEmail skippedMalformed notAddedContactLimit }\n    }\n  }\n"): (typeof documents)["\n  subscription AutoImportSyncProgress($autoImportId: ID!) {\n    syncProgress(autoImportId: $autoImportId) {\n      autoImportId syncRunId outcome backlogEstimate at\n      counts { fetched added updated skippedMissingEmail skippedInvalidEmail skippedMalformed notAddedContactLimit }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConnectionsPage {\n    connections { id name externalAccount status service { id name } autoImports { id } }\n  }\n"): (typeof documents)["\n  query ConnectionsPage {\n    connections { id name externalAccount status service { id name } autoImports { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ContactDetails($email: String!) {\n    contact(email: $email) {\n      id email firstName lastName phone status createdAt\n      lists { id name }\n      tags\n      fieldValues { value field { id title perstag } }\n      sources { externalId firstSeenAt lastSeenAt autoImport { id name } service { id name } }\n    }\n  }\n"): (typeof documents)["\n  query ContactDetails($email: String!) {\n    contact(email: $email) {\n      id email firstName lastName phone status createdAt\n      lists { id name }\n      tags\n      fieldValues { value field { id title perstag } }\n      sources { externalId firstSeenAt lastSeenAt autoImport { id name } service { id name } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ContactsPage($email: String, $listId: ID, $tag: String, $after: String, $first: Int) {\n    contacts(first: $first, after: $after, email: $email, listId: $listId, tag: $tag) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id email firstName lastName status } }\n    }\n  }\n"): (typeof documents)["\n  query ContactsPage($email: String, $listId: ID, $tag: String, $after: String, $first: Int) {\n    contacts(first: $first, after: $after, email: $email, listId: $listId, tag: $tag) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id email firstName lastName status } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ContactLists {\n    lists { id name contactCount }\n  }\n"): (typeof documents)["\n  query ContactLists {\n    lists { id name contactCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FieldsPage {\n    customFields { id title perstag service { id name } }\n  }\n"): (typeof documents)["\n  query FieldsPage {\n    customFields { id title perstag service { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ImportPage {\n    services { id name auth importCount recommendedMaxImports }\n    autoImports { id name status nextSyncAt lastSyncAt service { id name } }\n  }\n"): (typeof documents)["\n  query ImportPage {\n    services { id name auth importCount recommendedMaxImports }\n    autoImports { id name status nextSyncAt lastSyncAt service { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShellAccount {\n    me { id name contactCount contactLimit }\n  }\n"): (typeof documents)["\n  query ShellAccount {\n    me { id name contactCount contactLimit }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;