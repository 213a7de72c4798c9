/**
 * Text colours of removed and added content. The theme's destructive and success tones are too
 * light on their own tinted backgrounds (axe color-contrast), so the darker shades are used in light
 * mode, as the success and warning badges do.
 */
export const REMOVED_TEXT = "text-red-800 dark:text-red-300";
export const ADDED_TEXT = "text-green-800 dark:text-green-300";
