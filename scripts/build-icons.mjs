// Renders public/icons/icon.svg into the PNG sizes browsers and phones ask for, and packs the
// small ones into public/favicon.ico (an ICO holding PNG images, which every current browser
// reads). Run by hand after changing the SVG: `node scripts/build-icons.mjs`; the output is
// committed, so neither the build nor the server needs a browser.
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const svg = readFileSync('public/icons/icon.svg', 'utf8');
/** [file, size, share of the canvas the icon fills]: maskable icons keep a safe margin. */
const OUTPUTS = [
  ['public/icons/icon-192.png', 192, 1],
  ['public/icons/icon-512.png', 512, 1],
  ['public/icons/icon-maskable-512.png', 512, 0.8],
  ['public/icons/apple-touch-icon.png', 180, 0.85],
];
const FAVICON_SIZES = [16, 32, 48];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const page = await browser.newPage();

async function render(size, share) {
  const inner = Math.round(size * share);
  const background = share < 1 ? '#0b6bcb' : 'transparent';
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<body style="margin:0;display:grid;place-items:center;width:${size}px;height:${size}px;background:${background}">` +
      svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `) +
      '</body>',
  );
  return page.screenshot({ omitBackground: share === 1, type: 'png' });
}

for (const [file, size, share] of OUTPUTS) {
  writeFileSync(file, await render(size, share));
}
const images = [];
for (const size of FAVICON_SIZES) {
  images.push({ size, png: await render(size, 1) });
}
await browser.close();

// ICONDIR (6 bytes), one ICONDIRENTRY (16 bytes) per image, then the PNG files themselves.
const header = Buffer.alloc(6 + 16 * images.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2); // 1 = icon
header.writeUInt16LE(images.length, 4);
let offset = header.length;
images.forEach(({ size, png }, index) => {
  const entry = 6 + 16 * index;
  header.writeUInt8(size % 256, entry); // 0 means 256
  header.writeUInt8(size % 256, entry + 1);
  header.writeUInt16LE(1, entry + 4); // colour planes
  header.writeUInt16LE(32, entry + 6); // bits per pixel
  header.writeUInt32LE(png.length, entry + 8);
  header.writeUInt32LE(offset, entry + 12);
  offset += png.length;
});
writeFileSync('public/favicon.ico', Buffer.concat([header, ...images.map(({ png }) => png)]));
