/**
 * The paths seeded and generated traffic asks for: a small shop-like site for humans, and the
 * probes scanners send (secrets files, WordPress, SQL injection, path traversal). Lookup tables.
 */
export const HOSTS = ['www.example.com', 'shop.example.com'] as const;

/** Pages a visitor navigates between; `{n}` is replaced by a number, `{slug}` by a word. */
export const HUMAN_PAGES: readonly (readonly [string, number])[] = [
  ['/', 20],
  ['/products', 14],
  ['/products/{n}', 24],
  ['/category/{slug}', 10],
  ['/search', 8],
  ['/blog', 4],
  ['/blog/{slug}', 6],
  ['/cart', 6],
  ['/about', 2],
  ['/contact', 2],
  ['/account', 4],
];

export const SLUGS = [
  'shoes',
  'jackets',
  'summer-sale',
  'gift-ideas',
  'kitchen',
  'garden',
  'how-to-choose-a-tent',
  'our-new-store',
  'returns-policy',
  'outdoor',
] as const;

export const SEARCH_TERMS = [
  'chaussures',
  'veste',
  'sac a dos',
  'tente',
  'lampe',
  'gourde',
  'cadeau',
] as const;

/** Static assets a first page view pulls; later views hit the browser cache. */
export const ASSETS: readonly { path: string; kind: 'css' | 'js' | 'img' | 'font'; bytes: number }[] = [
  { path: '/static/css/main.3f9a1c.css', kind: 'css', bytes: 48_213 },
  { path: '/static/js/runtime.8b2e4d.js', kind: 'js', bytes: 2_941 },
  { path: '/static/js/main.c41d7e.js', kind: 'js', bytes: 231_507 },
  { path: '/static/img/logo.svg', kind: 'img', bytes: 6_102 },
  { path: '/static/fonts/inter-var.woff2', kind: 'font', bytes: 98_532 },
  { path: '/favicon.ico', kind: 'img', bytes: 15_086 },
];

/** Scanner probes: [path, query, usual status]. */
export const ATTACK_PROBES: readonly (readonly [string, string, number])[] = [
  ['/.env', '', 404],
  ['/.env.production', '', 404],
  ['/.git/config', '', 404],
  ['/.git/HEAD', '', 404],
  ['/.aws/credentials', '', 404],
  ['/wp-login.php', '', 404],
  ['/wp-admin/setup-config.php', '', 404],
  ['/xmlrpc.php', '', 404],
  ['/wp-content/plugins/wp-file-manager/readme.txt', '', 404],
  ['/phpmyadmin/index.php', '', 404],
  ['/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', '', 404],
  ['/server-status', '', 403],
  ['/config.php.bak', '', 404],
  ['/backup.sql', '', 404],
  ['/actuator/env', '', 404],
  ['/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd', '', 400],
  ['/..%2f..%2f..%2f..%2fetc%2fpasswd', '', 400],
  ['/static/..%252f..%252f..%252fetc/passwd', '', 404],
  ['/products', 'id=1%27%20OR%20%271%27%3D%271', 500],
  ['/products', 'id=1%20UNION%20SELECT%20NULL%2Cusername%2Cpassword%20FROM%20users--', 500],
  ['/search', 'q=%27%3BWAITFOR%20DELAY%20%270%3A0%3A5%27--', 200],
  ['/login', 'user=admin%27--', 401],
  ['/index.php', 's=/Index/\\think\\app/invokefunction&function=call_user_func_array', 404],
  ['/owa/auth/logon.aspx', '', 404],
  ['/HNAP1/', '', 404],
  ['/boaform/admin/formLogin', '', 404],
  ['/solr/admin/info/system', 'wt=json', 404],
  ['/.DS_Store', '', 404],
];

/** Pages a scraping bot walks through. */
export const SCRAPE_PAGES: readonly string[] = [
  '/products',
  '/products/{n}',
  '/category/{slug}',
  '/sitemap.xml',
];
