/** @type {import('next').NextConfig} */
module.exports = {
  reactStrictMode: true,
  // The engine and its native addons are never bundled: /api/trpc is served by the custom server (server/main.ts).
  serverExternalPackages: ['better-sqlite3'],
  poweredByHeader: false,
};
