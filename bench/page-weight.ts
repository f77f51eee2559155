/** Bytes a browser downloads for a page: the HTML plus its stylesheets and scripts, as compressed on the wire. */
export async function pageWeight(app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> }, path: string) {
  const headers = { 'Accept-Encoding': 'br, gzip' };
  const res = await app.request(path, { headers });
  const html = new TextDecoder().decode((await import('node:zlib')).brotliDecompressSync(Buffer.from(await res.clone().arrayBuffer())));
  const htmlBytes = (await res.arrayBuffer()).byteLength;
  const assets = [...html.matchAll(/<(?:link rel="stylesheet" href|script type="module" src)="([^"]+)"/g)].map((m) => m[1] as string);
  let assetBytes = 0;
  for (const a of assets) assetBytes += (await (await app.request(a, { headers })).arrayBuffer()).byteLength;
  const foreign = [...html.matchAll(/(?:src|href)="(https?:\/\/[^"]+)"/g)]
    .map((m) => m[1] as string)
    .filter((u) => /\.(css|js|woff2?|png|jpe?g|svg|gif)(\?|$)/.test(u));
  return { path, status: res.status, htmlBytes, assetBytes, total: htmlBytes + assetBytes, foreign };
}
