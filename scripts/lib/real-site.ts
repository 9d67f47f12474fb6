import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A small shop-like static site for the real-client benchmark: a home page, a catalogue, twelve
 * product pages, about and login pages. Every page pulls its subresources as a real page does: a
 * stylesheet, two scripts, a web font, a favicon and 3–6 images, so a browser's page view is a
 * burst of 9–13 requests on one or two connections.
 */
export const PRODUCTS = 12;

export function pagePaths(): string[] {
  return [
    '/',
    '/products/',
    ...Array.from({ length: PRODUCTS }, (_, i) => `/products/${i + 1}.html`),
    '/about.html',
    '/login/',
  ];
}

function page(title: string, images: string[], links: string[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="icon" href="/favicon.ico"><link rel="stylesheet" href="/static/site.css">
<script src="/static/vendor.js" defer></script><script src="/static/app.js" defer></script></head>
<body><header><a href="/">Shop</a> <a href="/products/">Products</a> <a href="/about.html">About</a> <a href="/login/">Log in</a></header>
<main><h1>${title}</h1>${images.map((src) => `<img src="${src}" alt="" width="120" height="120">`).join('')}
<ul>${links.map((href) => `<li><a href="${href}">${href}</a></li>`).join('')}</ul></main></body></html>\n`;
}

const svg = (n: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120"><rect width="120" height="120" fill="#${((n * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}"/></svg>\n`;

/** Writes the site into `docroot`. */
export function writeSite(docroot: string): void {
  for (const d of ['static', 'img', 'products', 'login'])
    mkdirSync(join(docroot, d), { recursive: true, mode: 0o755 });
  writeFileSync(
    join(docroot, 'static/site.css'),
    `@font-face{font-family:s;src:url(/static/site.woff2)}body{font-family:s,sans-serif}${'.x{}'.repeat(400)}\n`,
  );
  writeFileSync(join(docroot, 'static/site.woff2'), Buffer.alloc(18_000, 7));
  writeFileSync(join(docroot, 'static/vendor.js'), `window.v=1;${'/*v*/'.repeat(4000)}\n`);
  writeFileSync(join(docroot, 'static/app.js'), 'document.documentElement.dataset.app="1";\n');
  writeFileSync(join(docroot, 'favicon.ico'), Buffer.alloc(1_150, 1));
  for (let n = 1; n <= 80; n++) writeFileSync(join(docroot, `img/${n}.svg`), svg(n));
  const product = (i: number) => `/products/${i}.html`;
  const imgs = (seed: number, count: number) =>
    Array.from({ length: count }, (_, k) => `/img/${((seed * 7 + k * 3) % 80) + 1}.svg`);
  writeFileSync(
    join(docroot, 'index.html'),
    page('Shop', imgs(0, 6), [product(1), product(2), product(3), '/products/']),
  );
  writeFileSync(
    join(docroot, 'products/index.html'),
    page(
      'Products',
      imgs(1, 6),
      Array.from({ length: PRODUCTS }, (_, i) => product(i + 1)),
    ),
  );
  for (let i = 1; i <= PRODUCTS; i++) {
    writeFileSync(
      join(docroot, `products/${i}.html`),
      page(`Product ${i}`, imgs(i + 1, 3 + (i % 4)), [product((i % PRODUCTS) + 1), '/products/']),
    );
  }
  writeFileSync(join(docroot, 'about.html'), page('About', imgs(40, 3), ['/']));
  writeFileSync(
    join(docroot, 'login/index.html'),
    page('Log in', imgs(50, 3), ['/']).replace(
      '</main>',
      '<form method="post" action="/login/"><input name="user"><input name="pass" type="password"><button>Log in</button></form></main>',
    ),
  );
}
