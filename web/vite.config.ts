// Vite build of the portal. The binary serves web/dist; `npm run dev` proxies the API to a local
// jitgate (JITGATE_DEV_SERVER, default http://127.0.0.1:8080) so the session cookie stays same-origin.
import { defineConfig } from 'vitest/config';

const apiTarget = process.env.JITGATE_DEV_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The CSP is `default-src 'self'`: no inline module-preload polyfill script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { proxy: { '/api': apiTarget } },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
