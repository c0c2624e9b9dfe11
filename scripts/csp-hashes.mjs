#!/usr/bin/env node
// Trunk post_build hook: lets the inline scripts of the built index.html pass its
// Content-Security-Policy by adding one 'sha256-…' source per inline script to script-src.
// Trunk writes the page to $TRUNK_STAGING_DIR; running by hand, pass the html file instead.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const file =
  process.argv[2] ?? join(process.env.TRUNK_STAGING_DIR ?? 'dist', 'index.html');
let html = readFileSync(file, 'utf8');

const hashes = [];
for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
  if (/\bsrc\s*=/i.test(attrs) || body.length === 0) continue;
  hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}

const csp = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/i;
if (!csp.test(html)) {
  console.error(`csp-hashes: no Content-Security-Policy meta tag in ${file}`);
  process.exit(1);
}
html = html.replace(csp, (_, open, policy, close) => {
  const directives = policy.split(';').map((d) => d.trim()).filter(Boolean);
  const i = directives.findIndex((d) => d.split(/\s+/)[0] === 'script-src');
  if (i < 0) {
    console.error(`csp-hashes: the policy in ${file} has no script-src`);
    process.exit(1);
  }
  const kept = directives[i].split(/\s+/).filter((s) => !s.startsWith("'sha256-"));
  directives[i] = [...kept, ...hashes].join(' ');
  return open + directives.join('; ') + close;
});
writeFileSync(file, html);
console.log(`csp-hashes: ${hashes.length} inline script(s) allowed in ${file}`);
