import type { CodegenConfig } from "@graphql-codegen/cli";

/** Types every operation in src/ from the served schema (../schema.graphql), so a schema change
 * that breaks the page fails `npm run typecheck`. `npm run codegen:check` fails when the
 * committed src/gql/ differs from what the schema gives. */
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: true,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { DateTime: "string", JSON: "unknown", ID: "string" },
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: false,
      },
    },
  },
};

export default config;
