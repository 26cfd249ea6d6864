import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

/** The page's own files: plain HTML, CSS and ES modules, served as written (no build step). */
const publicDir = fileURLToPath(new URL('./public/', import.meta.url));

const require = createRequire(import.meta.url);

/** The chart library, served from node_modules under a stable name. */
const libraryFiles: Record<string, string> = {
  'uplot.esm.js': require.resolve('uplot/dist/uPlot.esm.js'),
  'uplot.min.css': require.resolve('uplot/dist/uPlot.min.css'),
};

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Everything the page loads comes from this server; data reaches the page only through fetch.
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; " +
    "form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

interface Asset {
  body: Buffer;
  type: string;
}

function readAssets(): Map<string, Asset> {
  const files = new Map<string, string>();
  for (const name of readdirSync(publicDir)) files.set(name, join(publicDir, name));
  for (const [name, path] of Object.entries(libraryFiles)) files.set(name, path);

  const assets = new Map<string, Asset>();
  for (const [name, path] of files) {
    const type = contentTypes[extname(name)];
    if (type) assets.set(name, { body: readFileSync(path), type });
  }
  return assets;
}

/**
 * The Level Funnel dashboard: `GET /` is the page, `GET /assets/<file>` its CSS, scripts and
 * the chart library. The files are read once, when the plugin is registered.
 */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  const assets = readAssets();
  const page = assets.get('index.html');
  if (!page) throw new Error(`dashboard: index.html missing from ${publicDir}`);

  app.get('/', async (_request, reply) => {
    return reply.headers(securityHeaders).type(page.type).send(page.body);
  });

  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset || request.params.file === 'index.html') return reply.callNotFound();

    // Small files that change with each release: the browser asks again, cheaply.
    return reply
      .headers({ ...securityHeaders, 'cache-control': 'no-cache' })
      .type(asset.type)
      .send(asset.body);
  });
};
