import { fileURLToPath } from 'node:url';

import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    // `#/state/session` instead of `../../state/session`, as in Bluesky's social-app.
    alias: { '#': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    host: '127.0.0.1',
    // `npm start` serves the API on 8080; the dev server forwards to it.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Every browser that runs the app supports modulepreload; the polyfill would be dead code.
    modulePreload: { polyfill: false },
  },
});
