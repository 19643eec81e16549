import type { PrismTheme } from 'prism-react-renderer';

/** Above WCAG AA (4.5) with room for the tinted backgrounds of added and removed lines. */
const AA = 5.6;

function parse(colour: string): [number, number, number] | undefined {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour)?.[1];
  if (hex) {
    const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
  }
  const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(colour);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : undefined;
}

function luminance([r, g, b]: [number, number, number]): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(parse(a)!), luminance(parse(b)!)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const hex = (rgb: number[]) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/**
 * A code theme whose every token colour reads against its background (WCAG AA): colours that
 * fall short are moved towards black on a light background, towards white on a dark one, just
 * far enough. Keeps the theme's look; axe checks the result on every page.
 */
export function readableTheme(theme: PrismTheme): PrismTheme {
  const background = theme.plain.backgroundColor!;
  const towards = luminance(parse(background)!) > 0.5 ? 0 : 255;
  const fix = (colour: string | undefined): string | undefined => {
    const rgb = colour && parse(colour);
    if (!rgb) return colour;
    let current = rgb;
    for (let step = 0; step <= 20 && contrast(hex(current), background) < AA; step++)
      current = rgb.map((c) => c + ((towards - c) * step) / 20) as [number, number, number];
    return hex(current);
  };
  return {
    plain: { ...theme.plain, color: fix(theme.plain.color as string) },
    styles: theme.styles.map((s) => ({ ...s, style: { ...s.style, color: fix(s.style.color as string | undefined), opacity: undefined } })),
  };
}
