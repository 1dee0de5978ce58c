// The playground's site. Served cross-origin isolated (COOP + COEP), so that tfjs's threaded wasm
// build can use SharedArrayBuffer; every asset (model, prompts, .wasm) is the site's own.
import { defineConfig } from 'vite';

const isolated = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolated },
  preview: { headers: isolated },
  worker: { format: 'es' },
  // Not minified: tfjs-backend-wasm starts its threads from the source text of its threaded glue
  // (`factory.toString()` in a Blob), and a minifier renames what that text refers to.
  build: { target: 'es2022', chunkSizeWarningLimit: 8000, minify: false },
});
