import { Drawer, Modal, NavLink, Notification, createTheme } from "@mantine/core";

/** Mantine's defaults with a darker primary shade, so white-on-primary buttons and primary links
 * pass WCAG AA colour contrast (axe checks it). Close buttons are named (Mantine's have only an
 * icon), the active navigation link is filled (light indigo on indigo was below 4.5:1) and a
 * notification's text under its title is gray.7 rather than the dimmed gray.6. */
export const theme = createTheme({
  primaryColor: "indigo",
  primaryShade: 8,
  defaultRadius: "md",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  headings: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif" },
  components: {
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { "aria-label": "Dismiss" } },
      styles: { description: { color: "var(--mantine-color-gray-7)" } },
    }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { "aria-label": "Close" } } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { "aria-label": "Close" } } }),
    NavLink: NavLink.extend({ defaultProps: { variant: "filled" } }),
  },
});
