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
    "\n  query ConnectionsPage {\n    connections {\n      id name externalAccount status createdAt\n      service { id name auth settings { key label type required help } }\n      autoImports { id name }\n    }\n  }\n": typeof types.ConnectionsPageDocument,
    "\n  mutation DeleteConnection($id: ID!, $deleteImports: Boolean) {\n    deleteConnection(id: $id, deleteImports: $deleteImports) { deletedId userErrors { code message } }\n  }\n": typeof types.DeleteConnectionDocument,
    "\n  mutation ReconnectService($input: ConnectServiceInput!) {\n    connectService(input: $input) {\n      authorizeUrl\n      connection { id status externalAccount }\n      userErrors { field code message }\n    }\n  }\n": typeof types.ReconnectServiceDocument,
    "\n  query ContactDetails($email: String!) {\n    contact(email: $email) {\n      id email firstName lastName phone status createdAt\n      lists { id name }\n      tags\n      fieldValues { value field { id title perstag } }\n      sources { externalId firstSeenAt lastSeenAt autoImport { id name } service { id name } }\n    }\n  }\n": typeof types.ContactDetailsDocument,
    "\n  query ContactsPage($email: String, $listId: ID, $tag: String, $after: String, $first: Int) {\n    contacts(first: $first, after: $after, email: $email, listId: $listId, tag: $tag) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id email firstName lastName status } }\n    }\n  }\n": typeof types.ContactsPageDocument,
    "\n  query ContactLists {\n    lists { id name contactCount }\n  }\n": typeof types.ContactListsDocument,
    "\n  query FieldsPage {\n    customFields { id title perstag service { id name } }\n  }\n": typeof types.FieldsPageDocument,
    "\n  query ImportPage {\n    services { id name auth importCount recommendedMaxImports }\n    autoImports { id name status nextSyncAt lastSyncAt service { id name } }\n  }\n": typeof types.ImportPageDocument,
    "\n  mutation WizardConnectService($input: ConnectServiceInput!) {\n    connectService(input: $input) {\n      connection { id name externalAccount status }\n      authorizeUrl\n      userErrors { field code message }\n    }\n  }\n": typeof types.WizardConnectServiceDocument,
    "\n  query WizardCriterionChoices($connectionId: ID!, $key: String!) {\n    connection(id: $connectionId) { id criterionChoices(key: $key) { value label } }\n  }\n": typeof types.WizardCriterionChoicesDocument,
    "\n  mutation WizardCreateList($input: CreateListInput!) {\n    createList(input: $input) { list { id name contactCount } userErrors { field code message } }\n  }\n": typeof types.WizardCreateListDocument,
    "\n  query WizardService($serviceId: ID!) {\n    service(id: $serviceId) {\n      id name auth\n      settings { key label type required help }\n      criteria { key label type required help choices }\n    }\n    connections(serviceId: $serviceId) { id name externalAccount status createdAt }\n    lists { id name contactCount }\n  }\n": typeof types.WizardServiceDocument,
    "\n  query WizardEditedImport($id: ID!) {\n    autoImport(id: $id) { id name criteria tags lists { id } connection { id } service { id } }\n  }\n": typeof types.WizardEditedImportDocument,
    "\n  mutation WizardPreview($input: PreviewAutoImportInput!) {\n    previewAutoImport(input: $input) {\n      records { externalId email firstName lastName verdict reason }\n      matchedEstimate\n      userErrors { field code message }\n    }\n  }\n": typeof types.WizardPreviewDocument,
    "\n  mutation WizardCreateAutoImport($input: CreateAutoImportInput!) {\n    createAutoImport(input: $input) { autoImport { id name status } userErrors { field code message } }\n  }\n": typeof types.WizardCreateAutoImportDocument,
    "\n  mutation WizardUpdateAutoImport($id: ID!, $input: UpdateAutoImportInput!) {\n    updateAutoImport(id: $id, input: $input) { autoImport { id name status criteria tags lists { id name } } userErrors { field code message } }\n  }\n": typeof types.WizardUpdateAutoImportDocument,
    "\n  query ShellAccount {\n    me { id name contactCount contactLimit }\n  }\n": typeof types.ShellAccountDocument,
};
const documents: Documents = {
    "\n  query AutoImportPage($id: ID!) {\n    autoImport(id: $id) {\n      id name status nextSyncAt lastSyncAt contactCount tags\n      service { id name auth }\n      connection { id name status }\n      lists { id name }\n      syncs(last: 20) {\n        id startedAt finishedAt outcome error backlogEstimate\n        counts { added updated skippedMissingEmail skippedInvalidEmail skippedMalformed notAddedContactLimit }\n      }\n      troubleshooting {\n        healthy\n        problems { code message action count samples { externalId email reason } }\n      }\n    }\n  }\n": types.AutoImportPageDocument,
    "\n  mutation SyncAutoImportNow($id: ID!) {\n    syncAutoImportNow(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n": types.SyncAutoImportNowDocument,
    "\n  mutation PauseAutoImport($id: ID!) {\n    pauseAutoImport(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n": types.PauseAutoImportDocument,
    "\n  mutation ResumeAutoImport($id: ID!) {\n    resumeAutoImport(id: $id) { autoImport { id status nextSyncAt } userErrors { code message } }\n  }\n": types.ResumeAutoImportDocument,
    "\n  mutation DeleteAutoImport($id: ID!) {\n    deleteAutoImport(id: $id) { deletedId userErrors { code message } }\n  }\n": types.DeleteAutoImportDocument,
    "\n  subscription AutoImportSyncProgress($autoImportId: ID!) {\n    syncProgress(autoImportId: $autoImportId) {\n      autoImportId syncRunId outcome backlogEstimate at\n      counts { fetched added updated skippedMissingEmail skippedInvalidEmail skippedMalformed notAddedContactLimit }\n    }\n  }\n": types.AutoImportSyncProgressDocument,
    "\n  query ConnectionsPage {\n    connections {\n      id name externalAccount status createdAt\n      service { id name auth settings { key label type required help } }\n      autoImports { id name }\n    }\n  }\n": types.ConnectionsPageDocument,
    "\n  mutation DeleteConnection($id: ID!, $deleteImports: Boolean) {\n    deleteConnection(id: $id, deleteImports: $deleteImports) { deletedId userErrors { code message } }\n  }\n": types.DeleteConnectionDocument,
    "\n  mutation ReconnectService($input: ConnectServiceInput!) {\n    connectService(input: $input) {\n      authorizeUrl\n      connection { id status externalAccount }\n      userErrors { field code message }\n    }\n  }\n": types.ReconnectServiceDocument,
    "\n  query ContactDetails($email: String!) {\n    contact(email: $email) {\n      id email firstName lastName phone status createdAt\n      lists { id name }\n      tags\n      fieldValues { value field { id title perstag } }\n      sources { externalId firstSeenAt lastSeenAt autoImport { id name } service { id name } }\n    }\n  }\n": types.ContactDetailsDocument,
    "\n  query ContactsPage($email: String, $listId: ID, $tag: String, $after: String, $first: Int) {\n    contacts(first: $first, after: $after, email: $email, listId: $listId, tag: $tag) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id email firstName lastName status } }\n    }\n  }\n": types.ContactsPageDocument,
    "\n  query ContactLists {\n    lists { id name contactCount }\n  }\n": types.ContactListsDocument,
    "\n  query FieldsPage {\n    customFields { id title perstag service { id name } }\n  }\n": types.FieldsPageDocument,
    "\n  query ImportPage {\n    services { id name auth importCount recommendedMaxImports }\n    autoImports { id name status nextSyncAt lastSyncAt service { id name } }\n  }\n": types.ImportPageDocument,
    "\n  mutation WizardConnectService($input: ConnectServiceInput!) {\n    connectService(input: $input) {\n      connection { id name externalAccount status }\n      authorizeUrl\n      userErrors { field code message }\n    }\n  }\n": types.WizardConnectServiceDocument,
    "\n  query WizardCriterionChoices($connectionId: ID!, $key: String!) {\n    connection(id: $connectionId) { id criterionChoices(key: $key) { value label } }\n  }\n": types.WizardCriterionChoicesDocument,
    "\n  mutation WizardCreateList($input: CreateListInput!) {\n    createList(input: $input) { list { id name contactCount } userErrors { field code message } }\n  }\n": types.WizardCreateListDocument,
    "\n  query WizardService($serviceId: ID!) {\n    service(id: $serviceId) {\n      id name auth\n      settings { key label type required help }\n      criteria { key label type required help choices }\n    }\n    connections(serviceId: $serviceId) { id name externalAccount status createdAt }\n    lists { id name contactCount }\n  }\n": types.WizardServiceDocument,
    "\n  query WizardEditedImport($id: ID!) {\n    autoImport(id: $id) { id name criteria tags lists { id } connection { id } service { id } }\n  }\n": types.WizardEditedImportDocument,
    "\n  mutation WizardPreview($input: PreviewAutoImportInput!) {\n    previewAutoImport(input: $input) {\n      records { externalId email firstName lastName verdict reason }\n      matchedEstimate\n      userErrors { field code message }\n    }\n  }\n": types.WizardPreviewDocument,
    "\n  mutation WizardCreateAutoImport($input: CreateAutoImportInput!) {\n    createAutoImport(input: $input) { autoImport { id name status } userErrors { field code message } }\n  }\n": types.WizardCreateAutoImportDocument,
    "\n  mutation WizardUpdateAutoImport($id: ID!, $input: UpdateAutoImportInput!) {\n    updateAutoImport(id: $id, input: $input) { autoImport { id name status criteria tags lists { id name } } userErrors { field code message } }\n  }\n": types.WizardUpdateAutoImportDocument,
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
export function graphql(source: "\n  query ConnectionsPage {\n    connections {\n      id name externalAccount status createdAt\n      service { id name auth settings { key label type required help } }\n      autoImports { id name }\n    }\n  }\n"): (typeof documents)["\n  query ConnectionsPage {\n    connections {\n      id name externalAccount status createdAt\n      service { id name auth settings { key label type required help } }\n      autoImports { id name }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteConnection($id: ID!, $deleteImports: Boolean) {\n    deleteConnection(id: $id, deleteImports: $deleteImports) { deletedId userErrors { code message } }\n  }\n"): (typeof documents)["\n  mutation DeleteConnection($id: ID!, $deleteImports: Boolean) {\n    deleteConnection(id: $id, deleteImports: $deleteImports) { deletedId userErrors { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReconnectService($input: ConnectServiceInput!) {\n    connectService(input: $input) {\n      authorizeUrl\n      connection { id status externalAccount }\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation ReconnectService($input: ConnectServiceInput!) {\n    connectService(input: $input) {\n      authorizeUrl\n      connection { id status externalAccount }\n      userErrors { field code message }\n    }\n  }\n"];
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
export function graphql(source: "\n  mutation WizardConnectService($input: ConnectServiceInput!) {\n    connectService(input: $input) {\n      connection { id name externalAccount status }\n      authorizeUrl\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation WizardConnectService($input: ConnectServiceInput!) {\n    connectService(input: $input) {\n      connection { id name externalAccount status }\n      authorizeUrl\n      userErrors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WizardCriterionChoices($connectionId: ID!, $key: String!) {\n    connection(id: $connectionId) { id criterionChoices(key: $key) { value label } }\n  }\n"): (typeof documents)["\n  query WizardCriterionChoices($connectionId: ID!, $key: String!) {\n    connection(id: $connectionId) { id criterionChoices(key: $key) { value label } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WizardCreateList($input: CreateListInput!) {\n    createList(input: $input) { list { id name contactCount } userErrors { field code message } }\n  }\n"): (typeof documents)["\n  mutation WizardCreateList($input: CreateListInput!) {\n    createList(input: $input) { list { id name contactCount } userErrors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WizardService($serviceId: ID!) {\n    service(id: $serviceId) {\n      id name auth\n      settings { key label type required help }\n      criteria { key label type required help choices }\n    }\n    connections(serviceId: $serviceId) { id name externalAccount status createdAt }\n    lists { id name contactCount }\n  }\n"): (typeof documents)["\n  query WizardService($serviceId: ID!) {\n    service(id: $serviceId) {\n      id name auth\n      settings { key label type required help }\n      criteria { key label type required help choices }\n    }\n    connections(serviceId: $serviceId) { id name externalAccount status createdAt }\n    lists { id name contactCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WizardEditedImport($id: ID!) {\n    autoImport(id: $id) { id name criteria tags lists { id } connection { id } service { id } }\n  }\n"): (typeof documents)["\n  query WizardEditedImport($id: ID!) {\n    autoImport(id: $id) { id name criteria tags lists { id } connection { id } service { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WizardPreview($input: PreviewAutoImportInput!) {\n    previewAutoImport(input: $input) {\n      records { externalId email firstName lastName verdict reason }\n      matchedEstimate\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation WizardPreview($input: PreviewAutoImportInput!) {\n    previewAutoImport(input: $input) {\n      records { externalId email firstName lastName verdict reason }\n      matchedEstimate\n      userErrors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WizardCreateAutoImport($input: CreateAutoImportInput!) {\n    createAutoImport(input: $input) { autoImport { id name status } userErrors { field code message } }\n  }\n"): (typeof documents)["\n  mutation WizardCreateAutoImport($input: CreateAutoImportInput!) {\n    createAutoImport(input: $input) { autoImport { id name status } userErrors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WizardUpdateAutoImport($id: ID!, $input: UpdateAutoImportInput!) {\n    updateAutoImport(id: $id, input: $input) { autoImport { id name status criteria tags lists { id name } } userErrors { field code message } }\n  }\n"): (typeof documents)["\n  mutation WizardUpdateAutoImport($id: ID!, $input: UpdateAutoImportInput!) {\n    updateAutoImport(id: $id, input: $input) { autoImport { id name status criteria tags lists { id name } } userErrors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShellAccount {\n    me { id name contactCount contactLimit }\n  }\n"): (typeof documents)["\n  query ShellAccount {\n    me { id name contactCount contactLimit }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;