/** Display formatting in the webview (numbers arrive computed; this only writes them). */
const usdFmt = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usdCompactFmt = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });
const dayFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

export const usd = (n: number): string => usdFmt.format(n);
export const usdCompact = (n: number): string => usdCompactFmt.format(n);
export const pct = (n: number, digits = 1): string => `${n.toFixed(digits)}%`;
/** Formats a YYYY-MM-DD day (no time-zone shift: it is read and written as UTC). */
export const day = (k: string): string => dayFmt.format(new Date(`${k}T00:00:00Z`));
