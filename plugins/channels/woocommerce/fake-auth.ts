import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WpError } from './fake-errors';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** RFC 3986 percent-encoding, as OAuth 1.0a signs with. */
const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const authError = (message: string) => new WpError(401, 'woocommerce_rest_authentication_error', message);

export interface WooKeys {
  consumerKey: string;
  consumerSecret: string;
}

/**
 * The store's REST API keys and WordPress Application Passwords, checked as WooCommerce checks
 * them on a site without TLS: a one-legged OAuth 1.0a signature (HMAC-SHA1 or HMAC-SHA256 over the
 * method, URL and sorted parameters, keyed by the consumer secret and `&`), a timestamp within 15
 * minutes and a nonce never used before (WC_REST_Authentication); Application Passwords as Basic
 * auth (WordPress 5.6).
 */
export class WooAuth {
  private readonly keys = new Map<string, string>();
  private readonly appPasswords = new Map<string, string>();
  private readonly nonces = new Set<string>();

  /** A new read/write key pair, as WooCommerce > Settings > Advanced > REST API shows it once. */
  issueKeys(keys: WooKeys = { consumerKey: `ck_${hex(20)}`, consumerSecret: `cs_${hex(20)}` }): WooKeys {
    this.keys.set(keys.consumerKey, keys.consumerSecret);
    return keys;
  }

  /** A WordPress user's Application Password, shown in groups of four as WordPress does. */
  issueApplicationPassword(username: string): string {
    const password = (randomBytes(18).toString('base64').replace(/[^a-zA-Z0-9]/g, 'x').match(/.{4}/g) ?? []).join(' ');
    this.appPasswords.set(username, password.replace(/\s/g, ''));
    return password;
  }

  /** Checks a REST v3 request's OAuth 1.0a signature; `url` is the request's whole address. */
  checkOAuth(method: string, url: URL): void {
    // PHP's $_GET: a name given twice keeps its last value (the official client sends the query twice).
    const params = [...new Map(url.searchParams)];
    const oauth = Object.fromEntries(params.filter(([k]) => k.startsWith('oauth_')));
    if (!oauth.oauth_consumer_key) throw new WpError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
    for (const field of ['oauth_signature', 'oauth_signature_method', 'oauth_nonce', 'oauth_timestamp']) if (!oauth[field]) throw authError(`${field} parameter is missing.`);
    const secret = this.keys.get(oauth.oauth_consumer_key);
    if (secret === undefined) throw authError('Consumer key is invalid.');
    const algorithm = { 'HMAC-SHA1': 'sha1', 'HMAC-SHA256': 'sha256' }[oauth.oauth_signature_method];
    if (!algorithm) throw authError('Invalid signature - signature method is invalid.');
    const normalized = params
      .filter(([k]) => k !== 'oauth_signature')
      .map(([k, v]) => [encode(k), encode(v)])
      .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const base = `${method.toUpperCase()}&${encode(`${url.origin}${url.pathname}`)}&${encode(normalized)}`;
    const expected = createHmac(algorithm, `${secret}&`).update(base).digest();
    const given = Buffer.from(oauth.oauth_signature, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw authError('Invalid signature - provided signature does not match.');
    if (Math.abs(Date.now() / 1000 - Number(oauth.oauth_timestamp)) > 15 * 60) throw authError('Invalid timestamp.');
    const nonce = `${oauth.oauth_consumer_key}:${oauth.oauth_timestamp}:${oauth.oauth_nonce}`;
    if (this.nonces.has(nonce)) throw authError('Invalid nonce - nonce has already been used.');
    this.nonces.add(nonce);
  }

  /**
   * Over TLS, WooCommerce takes the key pair as Basic auth, or as `consumer_key` and
   * `consumer_secret` in the query when the server drops the Authorization header.
   */
  checkBasic(authorization: string | string[] | undefined, query: URLSearchParams): void {
    const basic = /^Basic (\S+)$/.exec(String(authorization ?? ''))?.[1];
    const decoded = basic ? Buffer.from(basic, 'base64').toString('utf8') : null;
    const key = decoded ? decoded.slice(0, decoded.indexOf(':')) : query.get('consumer_key');
    const secret = decoded ? decoded.slice(decoded.indexOf(':') + 1) : query.get('consumer_secret');
    if (!key) throw new WpError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
    const held = this.keys.get(key);
    if (held === undefined) throw authError('Consumer key is invalid.');
    if (held !== secret) throw authError('Consumer secret is invalid.');
  }

  /** Checks `Authorization: Basic user:application-password` for the WordPress REST API. */
  checkApplicationPassword(authorization: string | string[] | undefined): void {
    const basic = /^Basic (\S+)$/.exec(String(authorization ?? ''))?.[1];
    if (!basic) throw new WpError(401, 'rest_cannot_create', 'Sorry, you are not allowed to create posts as this user.');
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const [username, password] = [decoded.slice(0, decoded.indexOf(':')), decoded.slice(decoded.indexOf(':') + 1)];
    const held = this.appPasswords.get(username);
    if (held === undefined) throw new WpError(401, 'invalid_username', 'Unknown username. Check again or try your email address.');
    if (held !== password.replace(/\s/g, '')) throw new WpError(401, 'incorrect_password', 'The provided password is an invalid application password.');
  }
}
