import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Built into the Maven module's classes, so the jar carries the UI and the gateway serves it at /admin/.
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'target/classes/admin-ui',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/graphql': { target: 'http://localhost:8080', ws: true },
      '/auth': 'http://localhost:8080',
      '/health': 'http://localhost:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
