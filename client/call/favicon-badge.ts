const SIZE = 64;
const ICON_URL = '/icons/icon-192.png';
const BADGE_RED = '#d32f2f';

/**
 * The tab's icon with a red badge: a count of missed calls, or a dot while a call rings. Drawn on
 * a canvas over the app icon and set as every icon of the page (browsers pick one of the listed
 * sizes and types, so all of them carry the badge), as a data: URL, which the CSP allows for
 * images; `clear` puts the plain icons back.
 */
export class FaviconBadge {
  private readonly links: { link: HTMLLinkElement; href: string; type: string }[];
  private badged = false;
  private icon: Promise<HTMLImageElement | undefined> | undefined;
  /** Only the latest request may draw: loading the icon is asynchronous. */
  private latest = 0;

  constructor() {
    this.links = [...document.querySelectorAll<HTMLLinkElement>('link[rel="icon"]')].map(
      (link) => ({ link, href: link.getAttribute('href') ?? '', type: link.type }),
    );
  }

  /** A number shows in the badge; an empty string shows a plain dot. */
  show(label: string): void {
    const request = ++this.latest;
    void this.draw(label).then((href) => {
      if (href && request === this.latest) {
        this.badged = true;
        for (const { link } of this.links) {
          link.type = 'image/png';
          link.href = href;
        }
      }
    });
  }

  clear(): void {
    this.latest += 1;
    if (this.badged) {
      this.badged = false;
      for (const { link, href, type } of this.links) {
        link.type = type;
        link.href = href;
      }
    }
  }

  private async draw(label: string): Promise<string | undefined> {
    this.icon ??= loadImage(ICON_URL);
    const icon = await this.icon;
    const canvas = document.createElement('canvas');
    canvas.width = SIZE;
    canvas.height = SIZE;
    const context = canvas.getContext('2d');
    if (!context) {
      return undefined;
    }
    if (icon) {
      context.drawImage(icon, 0, 0, SIZE, SIZE);
    }
    const radius = label ? SIZE * 0.3 : SIZE * 0.2;
    const center = SIZE - radius;
    context.fillStyle = BADGE_RED;
    context.beginPath();
    context.arc(center, center, radius, 0, 2 * Math.PI);
    context.fill();
    if (label) {
      context.fillStyle = '#fff';
      context.font = `bold ${Math.round(radius * 1.4)}px system-ui, sans-serif`;
      context.textAlign = 'center';
      context.textBaseline = 'middle';
      context.fillText(label, center, center + 1);
    }
    return canvas.toDataURL('image/png');
  }
}

function loadImage(url: string): Promise<HTMLImageElement | undefined> {
  return new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => resolve(undefined); // a badge without the icon still says "missed"
    image.src = url;
  });
}
