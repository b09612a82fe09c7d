import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// NOTE: the SPA is served under a strict CSP (script-src 'self'; style-src 'self'), so nothing may be inlined:
// no module-preload polyfill, and assets are always files.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [solid()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      '/function': 'http://127.0.0.1:8080',
      '/events': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
