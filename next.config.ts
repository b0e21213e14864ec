import type { NextConfig } from "next";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // A self-contained server (.next/standalone/server.js + its traced node_modules) for the Docker
  // image and CI's production check; `npm start` keeps using `next start` on the same build.
  output: "standalone",
  // The build checks only what it ships; `npm test` type-checks tests and scripts too.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  // Kept out of the server bundle: packages with native code or dynamic requires loaded at run time.
  serverExternalPackages: ["sharp", "pg", "pg-boss", "pino", "prom-client"],
  experimental: { serverActions: { bodySizeLimit: "1mb" } },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
