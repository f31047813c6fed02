import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { MODULE_ASSETS } from '../http/paths';

/** Where the admin pages load the person picker's script from (no CDN: hosts run on closed networks). */
export const PICKER_SCRIPT_PATH = `${MODULE_ASSETS}/admin-picker.js`;

const PICKER_SCRIPT = fs.readFileSync(path.join(__dirname, 'assets', 'admin-picker.js'));

/** The admin area's own static files, served by the module. */
export function adminAssetsRouter(): Router {
  const router = express.Router();
  router.get(PICKER_SCRIPT_PATH, (_req, res) => {
    res.set({ 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' }).type('text/javascript').send(PICKER_SCRIPT);
  });
  return router;
}
