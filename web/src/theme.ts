import { Badge, Drawer, Modal, NavLink, Notification, createTheme, type CSSVariablesResolver } from "@mantine/core";

/** Mantine's defaults with a darker primary shade, so white-on-primary buttons and primary links
 * pass WCAG AA colour contrast (axe checks it). Close buttons are named (Mantine's have only an
 * icon), the active navigation link is filled (light indigo on indigo was below 4.5:1) and a
 * notification's text under its title is gray.7 rather than the dimmed gray.6. Badges keep the
 * words' own case ("Needs reconnecting"), not Mantine's capitals. */
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
    Badge: Badge.extend({ styles: { root: { textTransform: "none" } } }),
    NavLink: NavLink.extend({ defaultProps: { variant: "filled" } }),
  },
});

/** "Dimmed" text (help under an input, a stepper's step description, the sign-in page's notes)
 * in gray.7 and errors (an input's message and text) in red.8: Mantine's gray.6 and red.6 on white
 * are below the 4.5:1 that axe asks of small text. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-dimmed": "var(--mantine-color-gray-7)", "--mantine-color-error": "var(--mantine-color-red-8)" },
  dark: {},
});
