import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { MODULE_ASSETS } from '../http/paths';

/**
 * The Overview's scripts, served by the module itself (hosts run on closed networks: no CDN):
 * Chart.js as its package ships it, and the small script that draws the figures the page carries.
 * Their addresses carry the package's and the module's version, so they can be cached for a year.
 */
// The package exports only its modules; its UMD build sits beside the CommonJS entry in dist/.
const CHART_JS_FILE = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
const CHART_JS_VERSION = (JSON.parse(fs.readFileSync(path.join(path.dirname(CHART_JS_FILE), '..', 'package.json'), 'utf8')) as { version: string }).version;
const OVERVIEW_FILE = path.join(__dirname, 'assets', 'overview-chart.js');

export const CHART_JS_PATH = `${MODULE_ASSETS}/chart-${CHART_JS_VERSION}.umd.min.js`;
export const OVERVIEW_SCRIPT_PATH = `${MODULE_ASSETS}/overview-chart.js`;

export function reportAssetRouter(version: string): Router {
  const router = express.Router();
  const files: [string, Buffer][] = [
    [CHART_JS_PATH, fs.readFileSync(CHART_JS_FILE)],
    [OVERVIEW_SCRIPT_PATH, fs.readFileSync(OVERVIEW_FILE)],
  ];
  for (const [at, body] of files) {
    router.get(at, (req, res) => {
      // The overview script's address changes with the module's version (?v=), Chart.js's with its own.
      res.set({ 'Cache-Control': 'public, max-age=31536000, immutable', 'X-Content-Type-Options': 'nosniff', ETag: `"${version}-${body.length}"` });
      if (req.fresh) return void res.status(304).end();
      res.type('text/javascript').send(body);
    });
  }
  return router;
}
