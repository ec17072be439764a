const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat('en');

/** 999 → "999", 12_345 → "12.3K": Instagram-style counts. */
export function formatCount(value: number): string {
  return value >= 10_000 ? compact.format(value) : plain.format(value);
}

export function plural(value: number, one: string, many: string): string {
  return value === 1 ? one : many;
}

/** Up to two initials from the display name, else the username's first letter. */
export function initials(displayName: string, username: string): string {
  const words = displayName.trim().split(/\s+/).filter(Boolean);
  const letters = words
    .slice(0, 2)
    .map((word) => Array.from(word)[0] ?? '')
    .join('');
  return (letters || Array.from(username)[0] || '?').toUpperCase();
}
