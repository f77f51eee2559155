const TRACKING = /^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_hs[a-z]+|ref_src)$/i;

/**
 * The canonical form of a source URL, so one link entered twice is stored once: https, lower-case
 * host without www-less variants merged (we keep www as given), no default port (80/443; others are kept), no fragment, no
 * tracking parameters, and a trailing slash on paths that do not name a file.
 */
export function normaliseUrl(input: string): string {
  const url = new URL(input.trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('alleen http- en https-adressen');
  // A port says where the server listens: keep it, except the defaults that the scheme implies.
  const port = url.port === '80' || url.port === '443' ? '' : url.port;
  url.protocol = 'https:';
  url.hostname = url.hostname.toLowerCase();
  url.port = port;
  url.hash = '';
  url.username = '';
  url.password = '';
  for (const key of [...url.searchParams.keys()]) if (TRACKING.test(key)) url.searchParams.delete(key);
  const last = url.pathname.split('/').pop() ?? '';
  if (!url.pathname.endsWith('/') && !last.includes('.')) url.pathname += '/';
  url.search = url.searchParams.toString() ? `?${url.searchParams.toString()}` : '';
  return url.toString();
}
