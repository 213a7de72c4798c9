import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its .wasm files from its package folder; postgres/ioredis/pino are plain node deps.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "ioredis", "pino", "undici", "better-auth"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
