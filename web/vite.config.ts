/// <reference types="vitest/config" />
import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Two entries: the import page (index.html) and the offline GraphiQL (graphiql.html). Assets
 * get content hashes under /assets/, which the app serves as immutable. `npm run dev` proxies the
 * API to `make run`'s port. */
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: { main: resolve(import.meta.dirname, "index.html"), graphiql: resolve(import.meta.dirname, "graphiql.html") },
    },
  },
  worker: { format: "es" },
  server: {
    proxy: {
      "/graphql": { target: `http://127.0.0.1:${process.env.PORT ?? "8000"}`, ws: true },
      "/oauth": { target: `http://127.0.0.1:${process.env.PORT ?? "8000"}` },
    },
  },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
