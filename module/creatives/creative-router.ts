import fs from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import type { CreativeService } from './creative-service';
import { COPY_SCRIPT_PATH, MODULE_FILES } from './creative-paths';

const COPY_SCRIPT = fs.readFileSync(path.join(__dirname, 'assets', 'copy-embed.js'));

/**
 * The module's public files: creative images, which agents' own sites embed (so no session, and
 * mounted with the referral links, before the host's sessions), and the Assets page's script.
 */
export function creativeRouter(creatives: Pick<CreativeService, 'image'>): Router {
  const router = express.Router();

  router.get(`${MODULE_FILES}/creative/:id`, async (req: Request, res: Response, next) => {
    try {
      const id = String(req.params.id);
      const image = /^[1-9]\d{0,9}$/.test(id) ? await creatives.image(Number(id)) : null;
      res.set('X-Content-Type-Options', 'nosniff');
      if (!image) return void res.status(404).type('text').send('Not found');
      const etag = `"${image.etag}"`;
      // Other sites show it: it must not be withheld from them by a same-origin policy, and,
      // opened on its own, it must not be able to run anything.
      res.set({
        ETag: etag,
        'Cache-Control': 'public, max-age=86400',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        'Content-Security-Policy': "default-src 'none'; sandbox",
      });
      // Express compares If-None-Match with the ETag just set (and honours no-cache).
      if (req.fresh) return void res.status(304).end();
      res.type(image.mime).send(image.data);
    } catch (e) {
      next(e);
    }
  });

  router.get(COPY_SCRIPT_PATH, (_req, res) => {
    res.set({ 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' }).type('text/javascript').send(COPY_SCRIPT);
  });

  return router;
}
