/** The README's example query: what GraphiQL opens with. */
export const EXAMPLE_QUERY = `query {
  me { name contactLimit contactCount }
  autoImports {
    name status nextSyncAt
    totals { fetched added updated skippedInvalidEmail notAddedContactLimit }
    syncs(last: 5) { outcome counts { added updated } backlogEstimate }
    troubleshooting { healthy problems { code message action count samples { externalId email reason } } }
  }
}
`;
