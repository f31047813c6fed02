import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { SCRIPT_PATH, STYLESHEET_PATH } from './page-frame';

const FILES: [string, string, Buffer][] = [
  [STYLESHEET_PATH, 'text/css', fs.readFileSync(path.join(__dirname, 'assets', 'agenttools.css'))],
  [SCRIPT_PATH, 'text/javascript', fs.readFileSync(path.join(__dirname, 'assets', 'agenttools.js'))],
];

/** The stylesheet and script every module page links to (page-frame.ts): public, no session needed. */
export function moduleAssets(): Router {
  const router = express.Router();
  for (const [address, type, body] of FILES)
    router.get(address, (_req, res) => {
      res.set({ 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' }).type(type).send(body);
    });
  return router;
}
