import type { ImgHTMLAttributes } from 'preact';

/**
 * A signed file link from the API (`url` of an output) as a path on this page's origin: the link
 * names the server by its PUBLIC_URL, which may not be the host the browser reached it by
 * (localhost against 127.0.0.1, a proxy), and the page's policy loads images from its own origin only.
 */
export function sameOriginUrl(url: string): string {
  const link = new URL(url, window.location.href);
  return `${link.pathname}${link.search}`;
}

type FileImageProps = Omit<ImgHTMLAttributes<HTMLImageElement>, 'src' | 'alt'> & { url: string; alt: string };

/** An image the API stored (an output, a fixed photo), loaded through its signed link. */
export function FileImage({ url, alt, ...img }: FileImageProps) {
  return <img {...img} src={sameOriginUrl(url)} alt={alt} loading="lazy" decoding="async" />;
}
