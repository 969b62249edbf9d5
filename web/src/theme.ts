import { createTheme } from "@mantine/core";

/** Mantine's defaults with a darker primary shade, so white-on-primary buttons and primary links
 * pass WCAG AA colour contrast (axe checks it). */
export const theme = createTheme({
  primaryColor: "indigo",
  primaryShade: 8,
  defaultRadius: "md",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  headings: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif" },
});
