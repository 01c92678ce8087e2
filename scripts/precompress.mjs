// Writes a brotli (quality 11) and a gzip (level 9) copy beside each of the
// site's static files (`node scripts/precompress.mjs <dir>`): the server's
// /pkg/ handler sends `name.br` or `name.gz` to a browser that accepts it
// (ServeDir's precompressed files), so the page's bundle goes out at the
// best ratio without compressing it again on every request. Node's own zlib:
// nothing to install.
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/precompress.mjs <dir>');
  process.exit(2);
}
const COMPRESSED = new Set(['.wasm', '.js', '.css', '.svg', '.html', '.json']);
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (!statSync(path).isFile() || !COMPRESSED.has(extname(name))) continue;
  const bytes = readFileSync(path);
  const br = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      [constants.BROTLI_PARAM_MODE]: extname(name) === '.wasm' ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    },
  });
  const gz = gzipSync(bytes, { level: 9 });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gz);
  console.log(`${name}: ${bytes.length} B, brotli ${br.length} B, gzip ${gz.length} B`);
}
